/**
 * The gateway's `metrics` section: Prometheus text at a path of the gateway's own, behind a token
 * unless said otherwise (refusal counts tell an attacker which attempts come closest).
 */
import { compileRouteAuth, type RouteAuthOptions } from '../fastify/route-config.js'
import { OptionError } from '../verifier/errors.js'

/** What `gateway.json`'s `metrics` holds. */
export interface GatewayMetricsConfig {
  /** Where the metrics are served. Default `'/metrics'`. Must not fall under a route's prefix. */
  path?: string
  /** The route's `config.auth`: `{ "scopes": ["metrics/read"] }`, or `false` for a public route. Default: a valid token. */
  auth?: RouteAuthOptions | false
}

/** The `metrics` section after checking. */
export interface ResolvedGatewayMetricsConfig {
  readonly path: string
  readonly auth: RouteAuthOptions | false | undefined
}

const PATH = /^\/[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/
const KEYS = new Set(['path', 'auth'])

/**
 * Checks the `metrics` section; `undefined` when there is none (no metrics route).
 *
 * @param prefixes - the routes' prefixes, which the metrics path may not shadow.
 */
export function resolveMetricsConfig (value: unknown, prefixes: ReadonlySet<string>): ResolvedGatewayMetricsConfig | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OptionError('metrics', `must be an object such as { "path": "/metrics", "auth": { "scopes": ["metrics/read"] } } (got ${JSON.stringify(value)})`)
  }
  for (const key of Object.keys(value)) if (!KEYS.has(key)) throw new OptionError(`metrics.${key}`, 'is not a metrics option (path, auth)')
  const { path = '/metrics', auth } = value as GatewayMetricsConfig
  if (typeof path !== 'string' || !PATH.test(path)) throw new OptionError('metrics.path', `must be a path such as /metrics (got ${JSON.stringify(path)})`)
  const shadowed = [...prefixes].find((prefix) => path === prefix || path.startsWith(`${prefix}/`))
  if (shadowed !== undefined) throw new OptionError('metrics.path', `falls under the route prefix ${shadowed} (got ${JSON.stringify(path)})`)
  try {
    compileRouteAuth(auth)
  } catch (err) {
    throw new OptionError(`metrics.${(err as OptionError).option.replace(/^config\./, '')}`, (err as OptionError).message.replace(/^.*?option "[^"]*" /, ''))
  }
  return { path, auth }
}
