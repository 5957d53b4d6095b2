/**
 * The command line: argument parsing (node:util `parseArgs`) and output, over the functions of
 * admin.ts and server.ts. `runCli` takes the arguments and where to write, and returns the exit
 * code, so it runs in tests as it runs in a shell. cli.ts is the executable around it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { addClientToFile, addResourceServerToFile, initConfigFile, rotateKeyFile, type NewResourceServer } from '../config/admin.js'
import { IssuerUsageError } from '../errors.js'
import { isKeyAlgorithm, KEY_ALGORITHMS, type KeyAlgorithm } from '../keys/key-file.js'
import { createIssuer, type IssuerInstance } from '../server.js'

/** Where the CLI writes, and what `start` hands over once listening. */
export interface CliIo {
  /** Results, one JSON document or line per call. */
  readonly out: (text: string) => void
  /** Errors and notes. */
  readonly err: (text: string) => void
  /** Called by `start` with the listening issuer; the executable closes it on SIGINT and SIGTERM. */
  readonly onStarted?: (app: IssuerInstance) => void
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
export const USAGE = `Usage: node dist/src/issuer/cli.js <command> [options]

A minimal Cognito-compatible authorization server (client_credentials).

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
  add-client           Add an app client allowed client_credentials; prints its id and secret ONCE.
    --scope <identifier>/<name>   an allowed scope (repeatable, at least one)
    --name <name>                 client name
    --validity <seconds>          access-token validity, 300 to 86400 (default 3600)
    --client-id <id>              choose the id (default: generated)
    --config <file>
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
  'add-client': { config, name: text, scope, validity: text, 'client-id': text },
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
      const created = await addClientToFile(configFile, { scopes, clientName: values.name as string | undefined, clientId: values['client-id'] as string | undefined, accessTokenValiditySeconds: validity })
      io.out(json({ ...created, allowedOAuthScopes: scopes }))
      io.err('Store the client secret now: only its hash is kept, and it cannot be shown again.')
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
      await app.listen({ port, host: values.host as string })
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
