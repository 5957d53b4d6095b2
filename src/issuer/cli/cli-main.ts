/**
 * The command line: argument parsing (node:util `parseArgs`) and output, over the functions of
 * admin.ts and server.ts. `runCli` takes the arguments and where to write, and returns the exit
 * code, so it runs in tests as it runs in a shell. cli.ts is the executable around it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { addClientToFile, addResourceServerToFile, initConfigFile, rotateKeyFile, type NewResourceServer } from '../config/admin.js'
import { generateClientSecret } from '../config/ids.js'
import { CLIENT_SIGNING_ALGORITHMS, type ClientSigningAlgorithm } from '../keys/key-file.js'
import { addUserToFile, removeUserFromFile, setUserPasswordInFile } from '../users/user-admin.js'
import type { UserAttributes } from '../users/user-config.js'
import { IssuerUsageError } from '../errors.js'
import { isKeyAlgorithm, KEY_ALGORITHMS, type KeyAlgorithm } from '../keys/key-file.js'
import { createIssuer, type IssuerInstance } from '../server.js'
import { listenOrExplain } from '../../gateway/listen.js'

/** Where the CLI writes, and what `start` hands over once listening. */
export interface CliIo {
  /** Results, one JSON document or line per call. */
  readonly out: (text: string) => void
  /** Errors and notes. */
  readonly err: (text: string) => void
  /** Called by `start` with the listening issuer; the executable closes it on SIGINT and SIGTERM. */
  readonly onStarted?: (app: IssuerInstance) => void
  /** Reads standard input to its end, for `--password-stdin`. */
  readonly readStdin?: () => Promise<string>
}

/** Defaults of the command line. */
export const CLI_DEFAULTS = Object.freeze({
  configFile: 'issuer.json',
  keyFile: 'issuer-keys.json',
  port: 8790,
  host: '127.0.0.1',
  logLevel: 'info'
})

/** The help text. */
export const USAGE = `Usage: fastify-resource-server-issuer <command> [options]
       (in a clone of the repository, after npm run build: node dist/src/issuer/cli.js <command> [options])

A minimal Cognito-compatible authorization server: client_credentials, and the code flow with a login page.

Commands:
  init                 Create a config file with a new pool.
    --config <file>            config file (default ${CLI_DEFAULTS.configFile})
    --pool-id <id>             pool id (default local-1_ and 9 random characters)
    --pool-name <name>         display name
    --resource-server <id>     also create this resource server, with:
    --name <name>              its name (default: the identifier)
    --scope <name>[=<text>]    a scope and its description (repeatable)
    --force                    replace an existing config file
  add-resource-server  Add a resource server: --identifier <id> [--name <name>] --scope <name>[=<text>]... [--config <file>]
  add-client           Add an app client; prints its id and secret ONCE.
    --scope <scope>               an allowed scope (repeatable, at least one): <identifier>/<name>, or openid, email, profile (code flow)
    --name <name>                 client name
    --validity <seconds>          access-token validity, 300 to 86400 (default 3600)
    --client-id <id>              choose the id (default: generated)
    --flow <flow>                 client_credentials (default) or code
    --callback-url <url>          a redirect URI for the code flow (repeatable)
    --logout-url <url>            a sign-out URL for /logout (repeatable)
    --public                      no secret: a single-page or mobile app, which must use PKCE
    --signing-alg <alg>           ${CLIENT_SIGNING_ALGORITHMS.join(', ')} (default: the issuer's default key)
    --rotate-refresh-tokens       replace the refresh token at every refresh
    --config <file>
  add-user             Add a user to the built-in store; prints its sub (and a generated password ONCE).
    --username <name>             1-128 letters, digits and _.@+-
    --password-stdin              read the password from standard input (default: generate one)
    --email <address>  --email-verified  --attribute <name>=<value> (repeatable)  --group <name> (repeatable)
    --config <file>
  set-password         --username <name> [--password-stdin] [--config <file>]: a new password (generated and printed ONCE unless read)
  remove-user          --username <name> [--config <file>]
  rotate-keys          Publish a new signing key now; it signs after the publish lead.
    --keys <file>              key file (default ${CLI_DEFAULTS.keyFile})
    --config <file>            config file, for the longest token validity (default: assume 86400 s)
    --lead <seconds>           publish lead (default 1200)
    --margin <seconds>         retire margin (default 300)
    --algorithm <alg>          ${KEY_ALGORITHMS.join(', ')} (default: the current key's)
  start                Serve the issuer.
    --config <file>  --keys <file>  --port <n> (default ${CLI_DEFAULTS.port})  --host <addr> (default ${CLI_DEFAULTS.host})
    --algorithm <alg>  --issuer-url <url>  --log-level <level> (default ${CLI_DEFAULTS.logLevel})
  help                 Show this text.`

type Options = NonNullable<ParseArgsConfig['options']>
const text = { type: 'string' } as const
const scope = { type: 'string' as const, multiple: true, default: [] as string[] }
const config = { type: 'string', default: CLI_DEFAULTS.configFile } as const
const keys = { type: 'string', default: CLI_DEFAULTS.keyFile } as const
const SPECS: Record<string, Options> = {
  init: { config, 'pool-id': text, 'pool-name': text, 'resource-server': text, name: text, scope, force: { type: 'boolean', default: false } },
  'add-resource-server': { config, identifier: text, name: text, scope },
  'add-client': {
    config,
    name: text,
    scope,
    validity: text,
    'client-id': text,
    flow: text,
    'callback-url': { type: 'string', multiple: true },
    'logout-url': { type: 'string', multiple: true },
    public: { type: 'boolean', default: false },
    'signing-alg': text,
    'rotate-refresh-tokens': { type: 'boolean', default: false }
  },
  'add-user': {
    config,
    username: text,
    'password-stdin': { type: 'boolean', default: false },
    email: text,
    'email-verified': { type: 'boolean', default: false },
    attribute: { type: 'string', multiple: true, default: [] as string[] },
    group: { type: 'string', multiple: true }
  },
  'set-password': { config, username: text, 'password-stdin': { type: 'boolean', default: false } },
  'remove-user': { config, username: text },
  'rotate-keys': { keys, config: text, lead: text, margin: text, algorithm: text },
  start: {
    config,
    keys,
    port: { type: 'string', default: String(CLI_DEFAULTS.port) },
    host: { type: 'string', default: CLI_DEFAULTS.host },
    algorithm: text,
    'issuer-url': text,
    'log-level': { type: 'string', default: CLI_DEFAULTS.logLevel }
  }
}

type Values = Record<string, string | boolean | string[] | undefined>

function integerFlag (values: Values, flag: string): number | undefined {
  const value = values[flag] as string | undefined
  if (value === undefined) return undefined
  if (!/^\d{1,9}$/.test(value)) throw new IssuerUsageError(`--${flag} must be a whole number (got "${value}")`)
  return Number(value)
}

function algorithmFlag (values: Values): KeyAlgorithm | undefined {
  const value = values.algorithm
  if (value === undefined || isKeyAlgorithm(value)) return value
  throw new IssuerUsageError(`--algorithm must be one of ${KEY_ALGORITHMS.join(', ')}`)
}

function scopeFlags (values: Values): Array<{ name: string, description?: string }> {
  return (values.scope as string[]).map((s) => {
    const eq = s.indexOf('=')
    return eq === -1 ? { name: s } : { name: s.slice(0, eq), description: s.slice(eq + 1) }
  })
}

function required (values: Values, flag: string): string {
  const value = values[flag] as string | undefined
  if (value === undefined) throw new IssuerUsageError(`--${flag} is required`)
  return value
}

const json = (value: unknown): string => JSON.stringify(value, null, 2)

/** The password from standard input (one line, the newline dropped), or a generated one to print once. */
async function password (values: Values, io: CliIo): Promise<{ password: string, generated: boolean }> {
  if (values['password-stdin'] !== true) return { password: generateClientSecret().slice(0, 24), generated: true }
  if (io.readStdin === undefined) throw new IssuerUsageError('--password-stdin needs standard input')
  return { password: (await io.readStdin()).replace(/\r?\n$/, ''), generated: false }
}

function attributeFlags (values: Values): UserAttributes {
  const attributes: UserAttributes = {}
  for (const a of values.attribute as string[]) {
    const eq = a.indexOf('=')
    if (eq < 1) throw new IssuerUsageError(`--attribute must be <name>=<value> (got "${a}")`)
    attributes[a.slice(0, eq)] = a.slice(eq + 1)
  }
  if (values.email !== undefined) attributes.email = values.email as string
  if (values['email-verified'] === true) attributes.email_verified = true
  return attributes
}

function signingAlgFlag (values: Values): ClientSigningAlgorithm | undefined {
  const value = values['signing-alg']
  if (value === undefined || (CLIENT_SIGNING_ALGORITHMS as readonly unknown[]).includes(value)) return value as ClientSigningAlgorithm | undefined
  throw new IssuerUsageError(`--signing-alg must be one of ${CLIENT_SIGNING_ALGORITHMS.join(', ')}`)
}

function flowFlag (values: Values): 'client_credentials' | 'code' | undefined {
  const value = values.flow
  if (value === undefined || value === 'client_credentials' || value === 'code') return value
  throw new IssuerUsageError('--flow must be client_credentials or code')
}

async function run (command: string, values: Values, io: CliIo): Promise<void> {
  const configFile = values.config as string
  switch (command) {
    case 'init': {
      const identifier = values['resource-server'] as string | undefined
      const resourceServer: NewResourceServer | undefined = identifier === undefined
        ? undefined
        : { identifier, name: values.name as string | undefined, scopes: scopeFlags(values) }
      const document = await initConfigFile(configFile, {
        poolId: values['pool-id'] as string | undefined,
        poolName: values['pool-name'] as string | undefined,
        resourceServer,
        force: values.force as boolean
      })
      io.out(json({ configFile, poolId: document.poolId, resourceServers: document.resourceServers }))
      return
    }
    case 'add-resource-server': {
      const document = await addResourceServerToFile(configFile, { identifier: required(values, 'identifier'), name: values.name as string | undefined, scopes: scopeFlags(values) })
      io.out(json(document.resourceServers.at(-1)))
      return
    }
    case 'add-client': {
      const scopes = values.scope as string[]
      if (scopes.length === 0) throw new IssuerUsageError('--scope is required: name at least one "<identifier>/<name>" scope')
      const validity = integerFlag(values, 'validity')
      const created = await addClientToFile(configFile, {
        scopes,
        clientName: values.name as string | undefined,
        clientId: values['client-id'] as string | undefined,
        accessTokenValiditySeconds: validity,
        flow: flowFlag(values),
        public: values.public as boolean,
        callbackURLs: values['callback-url'] as string[] | undefined,
        logoutURLs: values['logout-url'] as string[] | undefined,
        signingAlgorithm: signingAlgFlag(values),
        refreshTokenRotation: values['rotate-refresh-tokens'] === true ? true : undefined
      })
      io.out(json({ ...created, allowedOAuthScopes: scopes }))
      if (created.clientSecret !== undefined) io.err('Store the client secret now: only its hash is kept, and it cannot be shown again.')
      return
    }
    case 'add-user': {
      const { password: secret, generated } = await password(values, io)
      const groups = values.group as string[] | undefined
      const attributes = attributeFlags(values)
      const { sub } = await addUserToFile(configFile, {
        username: required(values, 'username'),
        password: secret,
        ...(Object.keys(attributes).length === 0 ? {} : { attributes }),
        ...(groups === undefined ? {} : { groups })
      })
      io.out(json({ username: values.username, sub, ...(generated ? { password: secret } : {}) }))
      if (generated) io.err('Store the password now: only its hash is kept, and it cannot be shown again.')
      return
    }
    case 'set-password': {
      const username = required(values, 'username')
      const { password: secret, generated } = await password(values, io)
      await setUserPasswordInFile(configFile, username, secret)
      io.out(json({ username, ...(generated ? { password: secret } : {}) }))
      return
    }
    case 'remove-user': {
      const username = required(values, 'username')
      await removeUserFromFile(configFile, username)
      io.out(json({ username, removed: true }))
      return
    }
    case 'rotate-keys': {
      const result = await rotateKeyFile(values.keys as string, {
        configFile: values.config as string | undefined,
        publishLeadSeconds: integerFlag(values, 'lead'),
        retireMarginSeconds: integerFlag(values, 'margin'),
        algorithm: algorithmFlag(values)
      })
      io.out(json(result))
      return
    }
    default: {
      const port = integerFlag(values, 'port') as number
      const app = await createIssuer({
        configFile,
        keyFile: values.keys as string,
        algorithm: algorithmFlag(values),
        issuerUrl: values['issuer-url'] as string | undefined,
        logger: { level: values['log-level'] as string, stream: process.stderr } // stdout carries only the JSON result
      })
      try {
        // A busy port is one line naming the flag that changes it, as for the gateway's bin.
        await listenOrExplain(app, { port, host: values.host as string }, '--port')
      } catch (err) {
        await app.close()
        throw err
      }
      const { issuer, tokenEndpoint, jwksUri, discoveryUrl } = app.issuer.urls
      io.out(json({ issuer, tokenEndpoint, jwksUri, discoveryUrl }))
      io.onStarted?.(app)
    }
  }
}

/**
 * Runs one command line and returns the exit code: 0 done, 1 failed, 2 wrong usage.
 *
 * @example
 * ```ts
 * const code = await runCli(['add-client', '--scope', 'transactions/post'], { out: console.log, err: console.error })
 * ```
 */
export async function runCli (argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    ;(command === undefined ? io.err : io.out)(USAGE)
    return command === undefined ? 2 : 0
  }
  try {
    if (!Object.hasOwn(SPECS, command)) throw new IssuerUsageError(`unknown command "${command}"`)
    const spec = SPECS[command] as Options
    let values: Values
    try {
      values = parseArgs({ args: [...rest], options: spec, strict: true, allowPositionals: false }).values as Values
    } catch (err) {
      throw new IssuerUsageError((err as Error).message)
    }
    await run(command, values, io)
    return 0
  } catch (err) {
    const usage = err instanceof IssuerUsageError
    io.err(usage ? `${(err as Error).message}\nRun "help" for the commands and their options.` : (err as Error).message)
    return usage ? 2 : 1
  }
}
