/**
 * The issuer's configuration, modelled on a Cognito user pool: a pool id, resource servers that
 * declare scopes (`create-resource-server`), and app clients allowed the client_credentials flow
 * on some of those scopes (`create-user-pool-client --generate-secret`).
 *
 * Every rule Cognito documents for these fields is enforced here, once, at start; a wrong field
 * throws an {@link IssuerConfigError} that names it, for example `clients[1].allowedOAuthScopes[0]`.
 */
import { FieldChecker, join } from './config-fields.js'
import { parseSecretHash, type SecretHash } from '../clients/secrets.js'
import { CLIENT_SIGNING_ALGORITHMS, type ClientSigningAlgorithm } from '../keys/key-file.js'
import { validateUsers, type ResolvedUser, type UserConfig } from '../users/user-config.js'

/** One scope a resource server declares. The scope string is `<identifier>/<name>`. */
export interface ScopeConfig {
  /** 1–256 characters of `[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]` (printable ASCII, no space, `"`, `/` or `\`). */
  name: string
  /** 1–256 characters, free text. */
  description: string
}

/** A resource server: the API that tokens are for, and the scopes it understands. */
export interface ResourceServerConfig {
  /** 1–256 characters of `[\x21\x23-\x5B\x5D-\x7E]`, usually the service's URL or name, e.g. `transactions`. */
  identifier: string
  /** 1–256 characters of `[\w\s+=,.@-]`. */
  name: string
  /** At most 100 scopes. */
  scopes: ScopeConfig[]
}

/** The OAuth flows Cognito knows. `client_credentials` and `code` are served; `implicit` is refused (it is legacy). */
export type OAuthFlow = 'client_credentials' | 'code' | 'implicit'

/** The OpenID Connect scopes a `code` client may be allowed besides resource-server scopes. */
export const OIDC_SCOPES = ['openid', 'email', 'profile'] as const

/** An app client. */
export interface ClientConfig {
  /** 1–128 letters, digits or underscores. Generated clients get 26 lowercase letters and digits. */
  clientId: string
  /** 1–128 characters of `[\w\s+=,.@-]`. Optional. */
  clientName?: string
  /**
   * The scrypt hash of the secret (see secrets.ts); the secret itself is never stored. Absent: a
   * public client (a single-page or mobile app), which must use PKCE and cannot use client_credentials.
   */
  secretHash?: string
  /** Cognito's allowed flows; `client_credentials` cannot be combined with `code` or `implicit`. */
  allowedOAuthFlows: OAuthFlow[]
  /**
   * `<identifier>/<name>` strings, each declared by a resource server, and for `code` clients
   * `openid`, `email`, `profile`. At least one for client_credentials.
   */
  allowedOAuthScopes: string[]
  /** Access-token lifetime in seconds, 300–86400. Default 3600 (1 hour), as in Cognito. */
  accessTokenValiditySeconds?: number
  /** ID-token lifetime in seconds, 300–86400. Default 3600 (1 hour), as in Cognito. */
  idTokenValiditySeconds?: number
  /** Refresh-token lifetime in seconds, 3600–315360000 (10 years). Default 2592000 (30 days), as in Cognito. */
  refreshTokenValiditySeconds?: number
  /**
   * Whether each refresh replaces the refresh token (and a replaced one, used again, revokes the
   * whole family). Default false, as in Cognito, where refresh tokens are reused until they expire.
   */
  refreshTokenRotation?: boolean
  /**
   * The redirect URIs (`CallbackURLs`) the authorization endpoint accepts, compared exactly.
   * At least one for the `code` flow. https, or http on loopback only; no fragment.
   */
  callbackURLs?: string[]
  /** Where `GET /logout` may send the browser (`LogoutURLs`), compared exactly. Default none. */
  logoutURLs?: string[]
  /**
   * The algorithm this client's tokens are signed with: RS256 (Cognito's), PS256 or ES256.
   * Default: the issuer's default key.
   */
  signingAlgorithm?: ClientSigningAlgorithm
}

/** The whole configuration document. */
export interface IssuerConfig {
  /** The format version. Default 1, the only one. */
  version?: 1
  /** Cognito-shaped pool id: `[\w-]+_[0-9a-zA-Z]+`, at most 55 characters, e.g. `local-1_AbCdEf123`. */
  poolId: string
  /** A display name, 1–128 characters of `[\w\s+=,.@-]`. Optional. */
  poolName?: string
  resourceServers: ResourceServerConfig[]
  clients: ClientConfig[]
  /** The built-in user store (see users/user-config.ts). Default none. */
  users?: UserConfig[]
}

/** A client after validation, with its defaults and its parsed secret hash. */
export interface ResolvedClient extends Readonly<Required<Omit<ClientConfig, 'clientName' | 'secretHash' | 'signingAlgorithm'>>> {
  readonly clientName: string | undefined
  /** Undefined for a public client. */
  readonly secret: SecretHash | undefined
  readonly signingAlgorithm: ClientSigningAlgorithm | undefined
}

/** The configuration after validation. */
export interface ResolvedConfig {
  readonly poolId: string
  readonly poolName: string | undefined
  readonly resourceServers: readonly ResourceServerConfig[]
  readonly clients: ReadonlyMap<string, ResolvedClient>
  /** Every declared scope string, in declaration order. */
  readonly scopes: readonly string[]
  /** The longest access- or ID-token validity of any client, in seconds (3600 when there are none). */
  readonly maxTokenValiditySeconds: number
  /** The built-in store's users, by lowercase username. */
  readonly users: ReadonlyMap<string, ResolvedUser>
}

/** Cognito's documented limits and defaults. */
export const CONFIG_LIMITS = Object.freeze({
  defaultAccessTokenValiditySeconds: 3600,
  minAccessTokenValiditySeconds: 300,
  maxAccessTokenValiditySeconds: 86_400,
  maxScopesPerResourceServer: 100,
  defaultRefreshTokenValiditySeconds: 2_592_000,
  minRefreshTokenValiditySeconds: 3600,
  maxRefreshTokenValiditySeconds: 315_360_000,
  maxCallbackURLs: 100,
  maxResourceServers: 25,
  maxClients: 1000
})

export const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/
export const IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]+$/
export const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/
export const DISPLAY_NAME = /^[\w\s+=,.@-]+$/
export const CLIENT_ID = /^\w+$/
const FLOWS: readonly OAuthFlow[] = ['client_credentials', 'code', 'implicit']

function resourceServer (c: FieldChecker, raw: unknown, field: string, seen: Set<string>): ResourceServerConfig {
  const o = c.object(raw, field, ['identifier', 'name', 'scopes'])
  const identifier = c.string(o.identifier, join(field, 'identifier'), { min: 1, max: 256, pattern: IDENTIFIER, says: 'printable ASCII without space, " or \\' })
  if (seen.has(identifier)) c.fail(join(field, 'identifier'), `repeats the identifier "${identifier}"`)
  seen.add(identifier)
  const names = new Set<string>()
  const scopes = c.array(o.scopes, join(field, 'scopes'), CONFIG_LIMITS.maxScopesPerResourceServer).map((s, j) => {
    const at = `${join(field, 'scopes')}[${j}]`
    const scope = c.object(s, at, ['name', 'description'])
    const name = c.string(scope.name, `${at}.name`, { min: 1, max: 256, pattern: SCOPE_NAME, says: 'printable ASCII without space, ", / or \\' })
    if (names.has(name)) c.fail(`${at}.name`, `repeats the scope name "${name}"`)
    names.add(name)
    return { name, description: c.string(scope.description, `${at}.description`, { min: 1, max: 256 }) }
  })
  return { identifier, name: c.string(o.name, join(field, 'name'), { min: 1, max: 256, pattern: DISPLAY_NAME, says: 'letters, digits, spaces and +=,.@-' }), scopes }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** A callback or logout URL: absolute, no fragment, https or http on loopback (Cognito's rule). */
function redirectUrls (c: FieldChecker, raw: unknown, field: string): string[] {
  if (raw === undefined) return []
  const list = c.array(raw, field, CONFIG_LIMITS.maxCallbackURLs)
  list.forEach((value, i) => {
    const at = `${field}[${i}]`
    c.string(value, at, { min: 1, max: 1024 })
    let url: URL | undefined
    try { url = new URL(value as string) } catch {}
    if (url === undefined || url.hash !== '' || (value as string).includes('#') || url.username !== '' || url.password !== '' ||
        !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) {
      c.fail(at, 'must be an absolute https URL (http only on localhost, 127.0.0.1 or [::1]) without credentials or fragment')
    }
    if (list.indexOf(value) !== i) c.fail(at, 'repeats a URL')
  })
  return list as string[]
}

function client (c: FieldChecker, raw: unknown, field: string, scopes: ReadonlySet<string>): ResolvedClient {
  const o = c.object(raw, field, ['clientId', 'clientName', 'secretHash', 'allowedOAuthFlows', 'allowedOAuthScopes', 'accessTokenValiditySeconds',
    'idTokenValiditySeconds', 'refreshTokenValiditySeconds', 'refreshTokenRotation', 'callbackURLs', 'logoutURLs', 'signingAlgorithm'])
  const clientId = c.string(o.clientId, join(field, 'clientId'), { min: 1, max: 128, pattern: CLIENT_ID, says: 'letters, digits and underscores' })
  const clientName = o.clientName === undefined ? undefined : c.string(o.clientName, join(field, 'clientName'), { min: 1, max: 128, pattern: DISPLAY_NAME, says: 'letters, digits, spaces and +=,.@-' })
  const secret = o.secretHash === undefined ? undefined : parseSecretHash(o.secretHash)
  if (o.secretHash !== undefined && secret === undefined) c.fail(join(field, 'secretHash'), 'must be a hash written by this issuer ("$scrypt$ln=…,r=…,p=…$salt$hash"); create clients with the add-client command')

  const flowsField = join(field, 'allowedOAuthFlows')
  const flows = c.array(o.allowedOAuthFlows, flowsField, FLOWS.length)
  if (flows.length === 0) c.fail(flowsField, 'must list at least one flow')
  flows.forEach((flow, i) => {
    if (!FLOWS.includes(flow as OAuthFlow)) c.fail(`${flowsField}[${i}]`, `must be one of ${FLOWS.join(', ')}`)
    if (flows.indexOf(flow) !== i) c.fail(`${flowsField}[${i}]`, 'repeats a flow')
  })
  if (flows.includes('client_credentials') && flows.length > 1) c.fail(flowsField, 'cannot combine client_credentials with code or implicit (Cognito forbids it)')
  if (flows.includes('client_credentials') && secret === undefined) c.fail(join(field, 'secretHash'), 'is required for the client_credentials flow')

  const scopesField = join(field, 'allowedOAuthScopes')
  const allowed = c.array(o.allowedOAuthScopes, scopesField, 100)
  const userFlow = flows.includes('code') || flows.includes('implicit')
  allowed.forEach((scope, i) => {
    const oidc = userFlow && (OIDC_SCOPES as readonly unknown[]).includes(scope)
    if (!oidc && (typeof scope !== 'string' || !scopes.has(scope))) {
      c.fail(`${scopesField}[${i}]`, `must be a scope "<identifier>/<name>" declared by a resource server${userFlow ? ', or openid, email, profile' : ''}`)
    }
    if (allowed.indexOf(scope) !== i) c.fail(`${scopesField}[${i}]`, 'repeats a scope')
  })
  if (flows.includes('client_credentials') && allowed.length === 0) c.fail(scopesField, 'must list at least one scope for the client_credentials flow')

  const callbackURLs = redirectUrls(c, o.callbackURLs, join(field, 'callbackURLs'))
  if (userFlow && callbackURLs.length === 0) c.fail(join(field, 'callbackURLs'), 'must list at least one URL for the code flow')
  const algorithm = o.signingAlgorithm
  if (algorithm !== undefined && !(CLIENT_SIGNING_ALGORITHMS as readonly unknown[]).includes(algorithm)) {
    c.fail(join(field, 'signingAlgorithm'), `must be one of ${CLIENT_SIGNING_ALGORITHMS.join(', ')}`)
  }
  if (o.refreshTokenRotation !== undefined && typeof o.refreshTokenRotation !== 'boolean') c.fail(join(field, 'refreshTokenRotation'), 'must be true or false')
  // RFC 9700 §4.14.2: a public client's refresh tokens are bearer tokens nothing else protects,
  // so they rotate (and a reused one revokes its family); only a confidential client may opt out.
  if (secret === undefined && o.refreshTokenRotation === false) c.fail(join(field, 'refreshTokenRotation'), 'must not be false for a public client (no secret): its refresh tokens must rotate (RFC 9700 §4.14.2)')
  const validity = (name: string, min: number, max: number, fallback: number): number => c.integer(o[name], join(field, name), min, max, fallback)

  return {
    clientId,
    clientName,
    secret,
    allowedOAuthFlows: flows as OAuthFlow[],
    allowedOAuthScopes: allowed as string[],
    accessTokenValiditySeconds: validity('accessTokenValiditySeconds', CONFIG_LIMITS.minAccessTokenValiditySeconds, CONFIG_LIMITS.maxAccessTokenValiditySeconds, CONFIG_LIMITS.defaultAccessTokenValiditySeconds),
    idTokenValiditySeconds: validity('idTokenValiditySeconds', CONFIG_LIMITS.minAccessTokenValiditySeconds, CONFIG_LIMITS.maxAccessTokenValiditySeconds, CONFIG_LIMITS.defaultAccessTokenValiditySeconds),
    refreshTokenValiditySeconds: validity('refreshTokenValiditySeconds', CONFIG_LIMITS.minRefreshTokenValiditySeconds, CONFIG_LIMITS.maxRefreshTokenValiditySeconds, CONFIG_LIMITS.defaultRefreshTokenValiditySeconds),
    refreshTokenRotation: o.refreshTokenRotation ?? secret === undefined,
    callbackURLs,
    logoutURLs: redirectUrls(c, o.logoutURLs, join(field, 'logoutURLs')),
    signingAlgorithm: algorithm as ClientSigningAlgorithm | undefined
  }
}

/**
 * Checks a configuration document and resolves its defaults.
 *
 * @param source - the file it came from, for error messages.
 * @throws {IssuerConfigError} naming the first wrong field.
 *
 * @example
 * ```ts
 * const config = validateConfig(JSON.parse(text), 'issuer.json')
 * config.clients.get('14aq5ll5b1it6f62uefem6aqhn')?.allowedOAuthScopes // ['transactions/post']
 * ```
 */
export function validateConfig (raw: unknown, source?: string): ResolvedConfig {
  const c: FieldChecker = new FieldChecker(source)
  const o = c.object(raw, '', ['$schema', 'version', 'poolId', 'poolName', 'resourceServers', 'clients', 'users'])
  if (o.version !== undefined && o.version !== 1) c.fail('version', 'must be 1')
  const poolId = c.string(o.poolId, 'poolId', { min: 1, max: 55, pattern: POOL_ID, says: 'shaped like "local-1_AbCdEf123"' })
  const poolName = o.poolName === undefined ? undefined : c.string(o.poolName, 'poolName', { min: 1, max: 128, pattern: DISPLAY_NAME, says: 'letters, digits, spaces and +=,.@-' })

  const identifiers = new Set<string>()
  const resourceServers = c.array(o.resourceServers, 'resourceServers', CONFIG_LIMITS.maxResourceServers)
    .map((rs, i) => resourceServer(c, rs, `resourceServers[${i}]`, identifiers))
  const scopes = resourceServers.flatMap((rs) => rs.scopes.map((s) => `${rs.identifier}/${s.name}`))

  const clients = new Map<string, ResolvedClient>()
  c.array(o.clients, 'clients', CONFIG_LIMITS.maxClients).forEach((raw, i) => {
    const resolved = client(c, raw, `clients[${i}]`, new Set(scopes))
    if (clients.has(resolved.clientId)) c.fail(`clients[${i}].clientId`, `repeats the client id "${resolved.clientId}"`)
    clients.set(resolved.clientId, resolved)
  })
  const validities = [...clients.values()].flatMap((cl) => [cl.accessTokenValiditySeconds, cl.idTokenValiditySeconds])
  return {
    users: validateUsers(c, o.users),
    poolId,
    poolName,
    resourceServers,
    clients,
    scopes,
    maxTokenValiditySeconds: validities.length === 0 ? CONFIG_LIMITS.defaultAccessTokenValiditySeconds : Math.max(...validities)
  }
}
