/** Reading the demo's ports and worker count from the environment, with clear errors. */
import { OptionError } from '../src/verifier/errors.js'
import { STACK_DEFAULTS, type StackOptions } from './stack.js'

function integer (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) throw new OptionError(name, `must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`)
  return value
}

/** `ISSUER_PORT` (9000), `UPSTREAM_PORT` (9001), `GATEWAY_PORT` (8080), `RP_PORT` (9002), `GATEWAY_WORKERS` (1), `LOG` (off). */
export function stackOptionsFromEnv (env: NodeJS.ProcessEnv, defaults: Partial<StackOptions> = {}): StackOptions {
  const d = { ...STACK_DEFAULTS, ...defaults }
  return {
    issuerPort: integer(env, 'ISSUER_PORT', d.issuerPort, 0, 65535),
    upstreamPort: integer(env, 'UPSTREAM_PORT', d.upstreamPort, 0, 65535),
    gatewayPort: integer(env, 'GATEWAY_PORT', d.gatewayPort, 0, 65535),
    relyingPartyPort: integer(env, 'RP_PORT', d.relyingPartyPort, 0, 65535),
    workers: integer(env, 'GATEWAY_WORKERS', d.workers, 1, 64),
    logger: env.LOG === '1'
  }
}
