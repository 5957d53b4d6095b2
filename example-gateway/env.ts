/** Reading the demo's ports and worker count from the environment, with clear errors. */
import { envInteger } from '../src/gateway/env.js'
import { STACK_DEFAULTS, type StackOptions } from './stack.js'

/** `ISSUER_PORT` (9000), `UPSTREAM_PORT` (9001), `GATEWAY_PORT` (8080), `RP_PORT` (9002), `GATEWAY_WORKERS` (1), `LOG` (off). */
export function stackOptionsFromEnv (env: NodeJS.ProcessEnv, defaults: Partial<StackOptions> = {}): StackOptions {
  const d = { ...STACK_DEFAULTS, ...defaults }
  return {
    issuerPort: envInteger(env, 'ISSUER_PORT', d.issuerPort, 0, 65535),
    upstreamPort: envInteger(env, 'UPSTREAM_PORT', d.upstreamPort, 0, 65535),
    gatewayPort: envInteger(env, 'GATEWAY_PORT', d.gatewayPort, 0, 65535),
    relyingPartyPort: envInteger(env, 'RP_PORT', d.relyingPartyPort, 0, 65535),
    workers: envInteger(env, 'GATEWAY_WORKERS', d.workers, 1, 64),
    logger: env.LOG === '1'
  }
}
