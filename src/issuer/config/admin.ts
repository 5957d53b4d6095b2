/**
 * Creating configuration without editing JSON by hand, as Cognito's `create-user-pool`,
 * `create-resource-server` and `create-user-pool-client --generate-secret` do. Each function
 * works on a config document and validates the result; the `…File` forms read, change and write
 * a config file. The CLI is a thin layer over these.
 */
import { stat } from 'node:fs/promises'
import { loadConfigFile, saveConfigFile } from './config-file.js'
import { CONFIG_LIMITS, validateConfig, type ClientConfig, type IssuerConfig, type ScopeConfig } from './config.js'
import { IssuerFileError } from '../errors.js'
import { generateClientId, generateClientSecret, generatePoolId } from './ids.js'
import { readJsonFile, writeJsonFile } from './json-file.js'
import { validateKeyDocument, type ClientSigningAlgorithm, type KeyAlgorithm } from '../keys/key-file.js'
import { integerOption } from '../options.js'
import { rotateKeyDocument, ROTATION_DEFAULTS, type RotationResult } from '../keys/rotation.js'
import { hashSecret } from '../clients/secrets.js'

/** A resource server to add. */
export interface NewResourceServer {
  /** e.g. `transactions`. */
  identifier: string
  /** Default: the identifier. */
  name?: string
  /** Scopes; a missing description defaults to the scope name. */
  scopes?: Array<{ name: string, description?: string }>
}

/** An app client to add. */
export interface NewClient {
  /** Allowed scopes, `<identifier>/<name>`, and for the code flow `openid`, `email`, `profile`. */
  scopes: string[]
  clientName?: string
  /** Default: generated (26 lowercase letters and digits). */
  clientId?: string
  /** Default: generated (51 lowercase letters and digits). Give one only for reproducible test setups. */
  secret?: string
  /** Default 3600. */
  accessTokenValiditySeconds?: number
  /** Default `client_credentials`; `code` for users (needs `callbackURLs`). */
  flow?: 'client_credentials' | 'code'
  /** A public client (an app that cannot keep a secret): no secret, PKCE required. Code flow only. Default false. */
  public?: boolean
  /** Redirect URIs for the code flow. */
  callbackURLs?: string[]
  /** Sign-out URLs for `GET /logout`. */
  logoutURLs?: string[]
  /** RS256, PS256 or ES256. Default: the issuer's default key. */
  signingAlgorithm?: ClientSigningAlgorithm
  /** Rotate refresh tokens at every refresh. Default false. */
  refreshTokenRotation?: boolean
}

/** A client just created: the only moment its secret exists outside the caller. */
export interface CreatedClient {
  readonly document: IssuerConfig
  readonly clientId: string
  readonly clientSecret: string
}

/** A public client just created: it has no secret. */
export interface CreatedPublicClient {
  readonly document: IssuerConfig
  readonly clientId: string
  readonly clientSecret: undefined
}

/**
 * A new, empty configuration: a pool without resource servers or clients.
 *
 * @example
 * ```ts
 * createConfig({ poolName: 'myblog' }) // { version: 1, poolId: 'local-1_…', poolName: 'myblog', resourceServers: [], clients: [] }
 * ```
 */
export function createConfig (pool: { poolId?: string, poolName?: string } = {}): IssuerConfig {
  const document: IssuerConfig = {
    version: 1,
    poolId: pool.poolId ?? generatePoolId(),
    ...(pool.poolName === undefined ? {} : { poolName: pool.poolName }),
    resourceServers: [],
    clients: []
  }
  validateConfig(document)
  return document
}

/**
 * Adds a resource server with its scopes.
 *
 * @throws {IssuerConfigError} naming the wrong field, e.g. `resourceServers[0].scopes[1].name`.
 *
 * @example
 * ```ts
 * doc = addResourceServer(doc, { identifier: 'transactions', scopes: [{ name: 'get', description: 'get_tx' }, { name: 'post' }] })
 * ```
 */
export function addResourceServer (document: IssuerConfig, server: NewResourceServer): IssuerConfig {
  const scopes: ScopeConfig[] = (server.scopes ?? []).map((s) => ({ name: s.name, description: s.description ?? s.name }))
  const next = { ...document, resourceServers: [...document.resourceServers, { identifier: server.identifier, name: server.name ?? server.identifier, scopes }] }
  validateConfig(next)
  return next
}

/**
 * Adds an app client allowed the client_credentials flow (or the code flow) on `scopes`, with a
 * generated id and secret (none for a public client). Only the secret's hash is put in the
 * document; the secret is returned once.
 *
 * @throws {IssuerConfigError} naming the wrong field, e.g. `clients[0].allowedOAuthScopes[0]`.
 *
 * @example
 * ```ts
 * const { document, clientId, clientSecret } = await addClient(doc, { clientName: 'test', scopes: ['transactions/post'] })
 * ```
 */
export async function addClient (document: IssuerConfig, client: NewClient & { public: true }): Promise<CreatedPublicClient>
export async function addClient (document: IssuerConfig, client: NewClient & { public?: false }): Promise<CreatedClient>
export async function addClient (document: IssuerConfig, client: NewClient): Promise<CreatedClient | CreatedPublicClient>
export async function addClient (document: IssuerConfig, client: NewClient): Promise<CreatedClient | CreatedPublicClient> {
  const clientId = client.clientId ?? generateClientId()
  const clientSecret = client.public === true ? undefined : client.secret ?? generateClientSecret()
  const optional = <K extends keyof ClientConfig>(key: K, value: ClientConfig[K] | undefined): Partial<ClientConfig> => value === undefined ? {} : { [key]: value }
  const next: IssuerConfig = {
    ...document,
    clients: [...document.clients, {
      clientId,
      ...optional('clientName', client.clientName),
      ...optional('secretHash', clientSecret === undefined ? undefined : await hashSecret(clientSecret)),
      allowedOAuthFlows: [client.flow ?? 'client_credentials'],
      allowedOAuthScopes: client.scopes,
      accessTokenValiditySeconds: client.accessTokenValiditySeconds ?? CONFIG_LIMITS.defaultAccessTokenValiditySeconds,
      ...optional('callbackURLs', client.callbackURLs),
      ...optional('logoutURLs', client.logoutURLs),
      ...optional('signingAlgorithm', client.signingAlgorithm),
      ...optional('refreshTokenRotation', client.refreshTokenRotation)
    }]
  }
  validateConfig(next)
  return { document: next, clientId, clientSecret } as CreatedClient | CreatedPublicClient
}

/**
 * Writes a new config file (see {@link createConfig}), optionally with a first resource server.
 *
 * @throws {IssuerFileError} when the file exists and `force` is not set.
 *
 * @example
 * ```ts
 * await initConfigFile('issuer.json', { resourceServer: { identifier: 'transactions', scopes: [{ name: 'get' }, { name: 'post' }] } })
 * ```
 */
export async function initConfigFile (path: string, options: { poolId?: string, poolName?: string, resourceServer?: NewResourceServer, force?: boolean } = {}): Promise<IssuerConfig> {
  if (options.force !== true && await stat(path).then(() => true, () => false)) {
    throw new IssuerFileError(path, 'already exists; pass force (--force) to replace it')
  }
  let document = createConfig(options)
  if (options.resourceServer !== undefined) document = addResourceServer(document, options.resourceServer)
  await saveConfigFile(path, document)
  return document
}

/**
 * Adds a resource server to a config file.
 *
 * @example
 * ```ts
 * await addResourceServerToFile('issuer.json', { identifier: 'transactions', scopes: [{ name: 'get' }] })
 * ```
 */
export async function addResourceServerToFile (path: string, server: NewResourceServer): Promise<IssuerConfig> {
  const document = addResourceServer((await loadConfigFile(path)).document, server)
  await saveConfigFile(path, document)
  return document
}

/**
 * Adds a client to a config file and returns its id and secret (the secret is not stored).
 *
 * @example
 * ```ts
 * const { clientId, clientSecret } = await addClientToFile('issuer.json', { scopes: ['transactions/post'] })
 * ```
 */
export async function addClientToFile (path: string, client: NewClient): Promise<{ clientId: string, clientSecret: string | undefined }> {
  const { document, clientId, clientSecret } = await addClient((await loadConfigFile(path)).document, client)
  await saveConfigFile(path, document)
  return { clientId, clientSecret }
}

/** Options of {@link rotateKeyFile}. Durations in seconds. */
export interface RotateKeyFileOptions {
  /** The config file, to learn the longest token validity. Default: none, and the maximum (86400 s) is assumed. */
  configFile?: string
  /** How long the new key is published before it signs. Default 1200. See rotation.ts. */
  publishLeadSeconds?: number
  /** Extra time a retired key stays published. Default 300. */
  retireMarginSeconds?: number
  /** The new key's algorithm. Default: the current signing key's. */
  algorithm?: KeyAlgorithm
  /** The current time in milliseconds since the epoch. Default `Date.now`. For tests. */
  clock?: () => number
}

/**
 * Rotates the keys of a key file, for instances that are running or not: they re-read the file
 * and publish the new key at once, and all switch to it at its `activateAt`.
 *
 * @throws {IssuerFileError} when the key file does not exist (start the issuer once to create it).
 *
 * @example
 * ```ts
 * const result = await rotateKeyFile('issuer-keys.json', { configFile: 'issuer.json' })
 * console.log(`${result.next.kid} signs from ${result.next.activateAt}`)
 * ```
 */
export async function rotateKeyFile (keyFile: string, options: RotateKeyFileOptions = {}): Promise<RotationResult> {
  const maxValidity = options.configFile === undefined
    ? CONFIG_LIMITS.maxAccessTokenValiditySeconds
    : (await loadConfigFile(options.configFile)).resolved.maxTokenValiditySeconds
  const lead = integerOption('publishLeadSeconds', options.publishLeadSeconds, ROTATION_DEFAULTS.publishLeadSeconds, 0, 86_400)
  const margin = integerOption('retireMarginSeconds', options.retireMarginSeconds, ROTATION_DEFAULTS.retireMarginSeconds, 0, 86_400)
  const document = validateKeyDocument(await readJsonFile(keyFile), keyFile)
  const { document: rotated, result } = await rotateKeyDocument(document, (options.clock ?? Date.now)(), {
    leadMs: lead * 1000,
    retireAfterMs: (maxValidity + margin) * 1000,
    algorithm: options.algorithm
  })
  await writeJsonFile(keyFile, rotated)
  return result
}
