/**
 * The gateway's command line, `fastify-resource-server-gateway --config gateway.json`: reads and
 * checks the configuration, applies the environment overrides, builds and starts the gateway.
 * `runGatewayCli` returns the exit code, so it runs in tests as it runs in a shell; cli.ts is the
 * executable around it.
 */
import { parseArgs } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { OptionError } from '../verifier/errors.js'
import { loadGatewayConfig, type ResolvedGatewayConfig } from './config.js'
import { envInteger } from './env.js'
import { PortInUseError } from './listen.js'

/** Where the command line writes, and what it hands over once listening. */
export interface GatewayCliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  /** Called with the listening gateway; the executable closes it on SIGINT and SIGTERM. */
  readonly onStarted?: (app: FastifyInstance) => void
}

/** The help text. */
export const GATEWAY_USAGE = `Usage: fastify-resource-server-gateway [--config <file>] [--check]

Runs the API gateway described by a JSON configuration file: routes, scopes per method,
rate limits, and how tokens are verified (the "auth" section).

Options:
  --config <file>   configuration file (default gateway.json)
  --check           check the configuration and exit
  --help            show this text

Environment (overrides the file):
  GATEWAY_PORT      port to listen on (file: listen.port, default 8080; 0 picks a free one)
  GATEWAY_HOST      address to listen on (file: listen.host, default 127.0.0.1)
  LOG_LEVEL         fatal, error, warn, info, debug, trace or silent (file: logLevel, default info)`

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
const GATEWAY_PEERS = ['@fastify/http-proxy', 'ioredis', 'prom-client']

/** The file's settings with the environment's overrides applied. */
export function applyGatewayEnv (config: ResolvedGatewayConfig, env: NodeJS.ProcessEnv): ResolvedGatewayConfig {
  const level = env.LOG_LEVEL === undefined || env.LOG_LEVEL === '' ? config.logLevel : env.LOG_LEVEL
  if (!LOG_LEVELS.has(level)) throw new OptionError('LOG_LEVEL', `must be one of ${[...LOG_LEVELS].join(', ')} (got ${JSON.stringify(level)})`)
  const host = env.GATEWAY_HOST === undefined || env.GATEWAY_HOST === '' ? config.listen.host : env.GATEWAY_HOST
  return { ...config, logLevel: level, listen: { port: envInteger(env, 'GATEWAY_PORT', config.listen.port, 0, 65535), host } }
}

/**
 * The one line to print for a start-up failure a user can fix (a bad configuration, a busy port,
 * a missing optional peer), or `undefined` for anything else.
 */
export function explainStartFailure (err: unknown, configFile: string): string | undefined {
  if (err instanceof OptionError) return `${configFile}: ${err.message.replace(/^fastify-resource-server: /, '')}`
  if (err instanceof PortInUseError) return err.message
  if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') return undefined
  const peer = GATEWAY_PEERS.find((name) => (err as Error).message.includes(`'${name}'`))
  if (peer === undefined) return undefined
  if (peer === 'prom-client') return 'the gateway\'s metrics need prom-client, an optional peer dependency: npm install prom-client'
  return `the gateway needs ${peer}, an optional peer dependency: npm install ${peer}`
}

/**
 * Runs the command line; resolves to the exit code (0 once the gateway listens).
 *
 * @example
 * ```ts
 * process.exitCode = await runGatewayCli(process.argv.slice(2), process.env, { out: console.log, err: console.error })
 * ```
 */
export async function runGatewayCli (argv: readonly string[], env: NodeJS.ProcessEnv, io: GatewayCliIo): Promise<number> {
  let values: { config: string, check: boolean, help: boolean }
  try {
    values = parseArgs({
      args: [...argv],
      options: { config: { type: 'string', default: 'gateway.json' }, check: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } }
    }).values as typeof values
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${GATEWAY_USAGE}`)
    return 2
  }
  if (values.help) {
    io.out(GATEWAY_USAGE)
    return 0
  }
  try {
    const config = applyGatewayEnv(loadGatewayConfig(values.config), env)
    // Loaded here, not imported above, so a missing optional peer is one clear line.
    const { buildGateway } = await import('./gateway.js')
    const { listenOrExplain } = await import('./listen.js')
    const app = await buildGateway({ config, fastify: { logger: { level: config.logLevel } } })
    if (values.check) {
      await app.close()
      io.out(`${values.config}: the configuration is valid (routes: ${config.routes.length})`)
      return 0
    }
    try {
      await listenOrExplain(app, config.listen, 'GATEWAY_PORT')
    } catch (err) {
      await app.close()
      throw err
    }
    io.onStarted?.(app)
    return 0
  } catch (err) {
    const line = explainStartFailure(err, values.config)
    if (line === undefined) throw err
    io.err(line)
    return 1
  }
}
