/**
 * The command line `fastify-resource-server explain <token | ->`: flags to verifier options
 * (checked by the verifier's own `resolveOptions`, so the rules are the plugin's), then the
 * report as text or JSON. `runCli` returns the exit code (0 accepted, 1 refused, 2 usage), so it
 * runs in tests as it runs in a shell; cli.ts is the executable around it.
 */
import { parseArgs } from 'node:util'
import { OptionError } from '../verifier/errors.js'
import { resolveOptions, type ResolvedOptions, type VerifierOptions } from '../verifier/options.js'
import { compileRequirements, type CompiledRequirements } from '../verifier/requirements.js'
import { explainToken } from './explain.js'
import { explainText } from './explain-text.js'
import { FileKeySet, JwksFileError } from './jwks-file.js'

/** Where the command line reads and writes. */
export interface CliIo {
  /** The report, in one call. */
  readonly out: (text: string) => void
  /** Usage errors, one line each. */
  readonly err: (text: string) => void
  /** Reads standard input to its end, for a token given as `-`. */
  readonly readStdin: () => Promise<string>
  /** The current time in milliseconds since the epoch, when `--now` is not given. Default `Date.now`. */
  readonly clock?: () => number
}

/** The help text. */
export const USAGE = `Usage: fastify-resource-server explain <token | -> [options]

Says whether the plugin would accept a token, and why not: runs the verifier's checks in the
verifier's order and prints each as passed, failed or not run, with the error code and what to
fix. The token is decoded without being trusted; neither it nor its signature is ever printed.
Exit status: 0 accepted, 1 refused, 2 usage error. "-" reads the token from standard input.

Options (the plugin's options of the same name):
  --issuer <url>          a trusted issuer, the token's exact "iss" (repeatable)
  --user-pool-id <id>     a Cognito user pool, such as eu-west-1_AbC123 (repeatable)
  --client-id <id>        an accepted app client (repeatable); required under the cognito profile
  --any-client            accept any client of the issuer (clientId: null)
  --audience <aud>        an accepted audience (repeatable); required by every profile but cognito
  --token-use <use>       access (default), id, or any
  --profile <name>        cognito (default), rfc9068, auth0, okta, keycloak or entra
  --algorithms <list>     accepted algorithms, comma-separated (default RS256)
  --jwks <file|url>       the issuer's keys: a JWKS file, or a URL fetched as the plugin fetches
                          (default: the issuer's own JWKS, or its discovery document)
  --scope <scope>         a scope the route requires (repeatable)
  --group <group>         a group the route requires (repeatable)
  --claim <path>=<value>  a claim value the route requires, compared as a string (repeatable)
  --json                  print the report as JSON (see the README for its schema)
  --now <seconds>         check at this time, in seconds since the epoch (default: now)
  --help                  show this text`

const OPTIONS = {
  issuer: { type: 'string', multiple: true },
  'user-pool-id': { type: 'string', multiple: true },
  'client-id': { type: 'string', multiple: true },
  'any-client': { type: 'boolean' },
  audience: { type: 'string', multiple: true },
  'token-use': { type: 'string' },
  profile: { type: 'string' },
  algorithms: { type: 'string' },
  jwks: { type: 'string' },
  scope: { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  claim: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  now: { type: 'string' },
  help: { type: 'boolean' }
} as const

interface Flags {
  issuer?: string[]
  'user-pool-id'?: string[]
  'client-id'?: string[]
  'any-client'?: boolean
  audience?: string[]
  'token-use'?: string
  profile?: string
  algorithms?: string
  jwks?: string
  scope?: string[]
  group?: string[]
  claim?: string[]
  json?: boolean
  now?: string
  help?: boolean
}

/** The flag for each verifier option (or route requirement) a flag sets, for usage errors. */
const FLAG_OF: Readonly<Record<string, string>> = {
  issuer: '--issuer',
  issuers: '--issuer',
  userPoolId: '--user-pool-id',
  clientId: '--client-id',
  audience: '--audience',
  tokenUse: '--token-use',
  profile: '--profile',
  algorithms: '--algorithms',
  jwksUri: '--jwks',
  'route.scopes': '--scope',
  'route.groups': '--group',
  'route.claims': '--claim'
}

/** A usage error: one line, naming the flag and the value. */
class UsageError extends Error {}

/** A value the user typed, quoted and cut short: a token passed by mistake never shows whole. */
function shown (value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
}

function list (values: string[] | undefined): string[] | undefined {
  return values === undefined || values.length === 0 ? undefined : values
}

function verifierOptions (flags: Flags, clock: () => number): VerifierOptions {
  if (flags['any-client'] === true && flags['client-id'] !== undefined) throw new UsageError('--any-client and --client-id exclude each other')
  const use = flags['token-use']
  if (use !== undefined && use !== 'access' && use !== 'id' && use !== 'any') throw new UsageError(`--token-use must be access, id or any (got ${shown(use)})`)
  const jwks = flags.jwks
  return {
    issuers: list(flags.issuer),
    userPoolId: list(flags['user-pool-id']),
    clientId: flags['any-client'] === true ? null : list(flags['client-id']),
    audience: list(flags.audience),
    tokenUse: use === 'any' ? null : use as 'access' | 'id' | undefined,
    profile: flags.profile as VerifierOptions['profile'],
    algorithms: flags.algorithms?.split(',') as VerifierOptions['algorithms'],
    jwksUri: jwks !== undefined && isUrl(jwks) ? jwks : undefined,
    // One run, one verification: the signature is checked on this thread, with the clock fixed.
    verifyOnThreadpool: false,
    clock
  }
}

function isUrl (value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
}

function claimRequirements (pairs: string[] | undefined): Record<string, string[]> | undefined {
  if (pairs === undefined) return undefined
  const claims: Record<string, string[]> = {}
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at < 1) throw new UsageError(`--claim must be <path>=<value> (got ${shown(pair)})`)
    const path = pair.slice(0, at)
    claims[path] = [...(claims[path] ?? []), pair.slice(at + 1)]
  }
  return claims
}

function requirements (flags: Flags): CompiledRequirements | undefined {
  if (flags.scope === undefined && flags.group === undefined && flags.claim === undefined) return undefined
  return compileRequirements('route', { scopes: flags.scope, groups: flags.group, claims: claimRequirements(flags.claim) })
}

function clockOf (now: string | undefined, clock: () => number): () => number {
  if (now === undefined) return clock
  if (!/^\d{1,12}$/.test(now)) throw new UsageError(`--now must be whole seconds since the epoch (got ${shown(now)})`)
  const ms = Number(now) * 1000
  return () => ms
}

/** The verifier's "is required" messages name options; these name the flags. */
const REQUIRED: Readonly<Record<string, string>> = {
  issuer: '--issuer or --user-pool-id is required: name the issuer whose tokens are trusted',
  clientId: '--client-id is required under the cognito profile: name the app client whose tokens are accepted, or pass --any-client'
}

function usageLine (err: OptionError): string {
  const required = /^fastify-resource-server: option "\w+" is required[:( ]/.test(err.message) ? REQUIRED[err.option] : undefined
  if (required !== undefined) return required
  const expected = err.message.slice(`fastify-resource-server: option "${err.option}" `.length)
  // issuers[0] is --issuer, route.claims.realm_access.roles is --claim.
  const flag = FLAG_OF[(/^(?:route\.)?\w+/.exec(err.option) as RegExpExecArray)[0]] as string
  return `${flag} ${expected}`
}

function unknownCommand (command: string | undefined): string {
  if (command === undefined) return 'a command is required: explain <token | -> (see --help)'
  // Named only when it looks like a command: a token typed without "explain" is never echoed.
  const name = /^[a-z-]{1,20}$/.test(command) ? ` ${shown(command)}` : ''
  return `unknown command${name}; the command is explain (see --help)`
}

/** The token from the argument or standard input; a pasted `Bearer ` prefix is dropped. */
async function readToken (arg: string, io: CliIo): Promise<string> {
  const text = arg === '-' ? await io.readStdin() : arg
  return text.trim().replace(/^Bearer\s+/i, '')
}

/**
 * Runs the command line; resolves to the exit code: 0 when the token would be accepted, 1 when
 * refused, 2 on a usage error.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['explain', token, '--user-pool-id', 'eu-west-1_AbC123', '--any-client'], io)
 * ```
 */
export async function runCli (argv: readonly string[], io: CliIo): Promise<number> {
  let flags: Flags
  let positionals: string[]
  try {
    ({ values: flags, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }))
  } catch (err) {
    io.err(`${(err as Error).message} (see --help)`)
    return 2
  }
  if (flags.help === true) {
    io.out(USAGE)
    return 0
  }
  try {
    const [command, tokenArg, ...extra] = positionals
    if (command !== 'explain') throw new UsageError(unknownCommand(command))
    if (tokenArg === undefined) throw new UsageError('explain needs a token, or - to read it from standard input')
    if (extra.length > 0) throw new UsageError('explain takes one token; quote it if your shell splits it')
    let o: ResolvedOptions
    let needs: CompiledRequirements | undefined
    try {
      o = resolveOptions(verifierOptions(flags, clockOf(flags.now, io.clock ?? Date.now)))
      needs = requirements(flags)
    } catch (err) {
      if (err instanceof OptionError) throw new UsageError(usageLine(err))
      throw err
    }
    const file = flags.jwks !== undefined && !isUrl(flags.jwks) ? flags.jwks : undefined
    const keys = file === undefined ? undefined : await FileKeySet.read(file, o.jwksMaxBytes, o.maxRsaKeyBits)
    const report = await explainToken(await readToken(tokenArg, io), o, keys, needs)
    io.out(flags.json === true ? JSON.stringify(report, null, 2) : explainText(report).join('\n'))
    return report.verdict === 'accepted' ? 0 : 1
  } catch (err) {
    if (err instanceof UsageError) io.err(err.message)
    else if (err instanceof JwksFileError) io.err(`--jwks ${shown(flags.jwks as string)} ${err.message}`)
    else throw err
    return 2
  }
}
