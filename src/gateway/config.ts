/**
 * The gateway's configuration, declared as data (a JSON file or an object), never in code, and
 * checked once at start-up: a wrong entry throws a TypeError naming the field and the bad value.
 */
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import type { ResourceServerOptions } from '../fastify/plugin.js'
import { SCOPE_TOKEN } from '../verifier/claims.js'
import { OptionError } from '../verifier/errors.js'
import { hasUserinfo } from '../verifier/option-value.js'
import { resolveMetricsConfig, type GatewayMetricsConfig, type ResolvedGatewayMetricsConfig } from './metrics-config.js'
import { FORWARDED_HEADERS, HOP_BY_HOP_HEADERS } from './stripped-headers.js'
import { resolveRateLimitConfig, resolveRule, type RateLimitConfig, type RateLimitRule, type ResolvedRateLimitConfig } from './rate-limit-config.js'

/** Scopes a method needs; GET also covers HEAD unless HEAD is listed itself. */
export type MethodScopes = Partial<Record<string, readonly string[]>>

/** One upstream behind a path prefix. */
export interface GatewayRoute {
  /** Path prefix, such as `/transactions`. */
  prefix: string
  /** Upstream base URL, such as `http://127.0.0.1:9001`. TLS upstreams are always verified. */
  upstream: string
  /** Scopes each method needs, such as `{ GET: ['transactions/get'], POST: ['transactions/post'] }`. */
  methods: MethodScopes
  /** Per-client limits of this route, per method, such as `{ POST: { max: 10, windowMs: 60000 } }`. HEAD follows GET unless listed. Default: `rateLimit.perClient`. */
  rateLimit?: Partial<Record<string, RateLimitRule>>
}

/** Header names the verified identity is forwarded in. */
export interface IdentityHeaderNames {
  sub: string
  clientId: string
  scopes: string
  username: string
  groups: string
  tokenUse: string
  issuer: string
}

/** The gateway's data-driven configuration: what a `gateway.json` holds. */
export interface GatewayConfig {
  routes: GatewayRoute[]
  /** Header names for the forwarded identity. Defaults: `x-auth-sub`, `x-auth-client-id`, `x-auth-scopes`, `x-auth-username`, `x-auth-groups`, `x-auth-token-use`, `x-auth-issuer`. */
  identityHeaders?: Partial<IdentityHeaderNames>
  /** More client-sent headers to drop, by exact name or by prefix (case and `_` ignored), beyond the built-in list. Default: none. */
  stripHeaders?: { names?: string[], prefixes?: string[] }
  /** More query parameters to drop from the forwarded query, beyond `_method` and the override names. Default: none. */
  stripQueryParams?: string[]
  /** How long the upstream may take to answer, in milliseconds. Default 10000 (10 seconds). */
  upstreamTimeoutMs?: number
  /** Per-client rate limits. Default: none. */
  rateLimit?: RateLimitConfig
  /** How tokens are verified: the plugin's options (issuer, clientId, …). May instead be passed to `buildGateway`. */
  auth?: ResourceServerOptions
  /** Where the bin listens. Defaults: port 8080, host 127.0.0.1 (env `GATEWAY_PORT`, `GATEWAY_HOST`). */
  listen?: { port?: number, host?: string }
  /** The bin's log level: fatal, error, warn, info, debug, trace or silent. Default `'info'` (env `LOG_LEVEL`). */
  logLevel?: string
  /** Prometheus metrics (refusals by code, JWKS fetches, cache lookups) at `path`; needs prom-client. Default: none. */
  metrics?: GatewayMetricsConfig
  /**
   * Which proxies in front of the gateway to believe about the client's address (Fastify's
   * `trustProxy`): their addresses or CIDR ranges, or how many hops to trust. `true` believes any
   * `X-Forwarded-For`, so a client could choose the address its refusals count against. Default:
   * none (the address is the TCP peer's).
   */
  trustProxy?: boolean | number | string | string[]
}

/** One route with defaults applied. */
export interface ResolvedGatewayRoute {
  readonly prefix: string
  readonly upstream: string
  readonly methods: ReadonlyMap<string, readonly string[]>
  readonly rateLimits: ReadonlyMap<string, RateLimitRule>
}

/** The configuration with defaults applied. */
export interface ResolvedGatewayConfig {
  readonly routes: readonly ResolvedGatewayRoute[]
  readonly identityHeaders: Readonly<IdentityHeaderNames>
  readonly stripHeaders: { readonly names: readonly string[], readonly prefixes: readonly string[] }
  readonly stripQueryParams: readonly string[]
  readonly upstreamTimeoutMs: number
  readonly rateLimit: ResolvedRateLimitConfig | undefined
  readonly auth: ResourceServerOptions | undefined
  readonly listen: { readonly port: number, readonly host: string }
  readonly logLevel: string
  readonly metrics: ResolvedGatewayMetricsConfig | undefined
  readonly trustProxy: boolean | number | string | readonly string[] | undefined
}

export const DEFAULT_IDENTITY_HEADERS: Readonly<IdentityHeaderNames> = Object.freeze({
  sub: 'x-auth-sub',
  clientId: 'x-auth-client-id',
  scopes: 'x-auth-scopes',
  username: 'x-auth-username',
  groups: 'x-auth-groups',
  tokenUse: 'x-auth-token-use',
  issuer: 'x-auth-issuer'
})

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
const TOP_LEVEL = new Set(['routes', 'identityHeaders', 'stripHeaders', 'stripQueryParams', 'upstreamTimeoutMs', 'rateLimit', 'auth', 'listen', 'logLevel', 'metrics', 'trustProxy', '$schema'])
const HEADER_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/
const HEADER_TOKEN = /^[A-Za-z0-9_-]{1,64}$/
const QUERY_NAME = /^[\x21-\x7E]{1,64}$/
const PREFIX = /^\/[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/

/**
 * Header names an identity header may not take: HTTP's own framing and routing fields, the
 * credentials, and what the gateway sets itself (X-Forwarded-*) or never forwards (hop-by-hop).
 */
const RESERVED_HEADERS = new Set([
  'host', 'content-length', 'content-type', 'content-encoding', 'transfer-encoding', 'connection', 'authorization', 'cookie',
  ...HOP_BY_HOP_HEADERS, ...FORWARDED_HEADERS
])

const show = (value: unknown): string => JSON.stringify(value) ?? String(value)

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function upstreamUrl (name: string, value: unknown): string {
  // The value is not echoed: it holds a password (parsable or not).
  if (hasUserinfo(value)) throw new OptionError(name, 'must not hold credentials (got a URL with a user name or password)')
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new OptionError(name, `must be an absolute http(s) URL (got ${show(value)})`)
  }
  if (url.username !== '' || url.password !== '') throw new OptionError(name, 'must not hold credentials (got a URL with a user name or password)')
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new OptionError(name, `must be an http(s) URL without query or fragment (got ${show(value)})`)
  }
  // The request's path is forwarded as it is (the prefix included): a base path would be dropped
  // by the proxy, or refuse every request.
  if (url.pathname !== '/') throw new OptionError(name, `must be an origin such as http://10.0.1.20:9001, without a path: the request's own path is forwarded (got ${show(value)})`)
  return url.origin
}

function stringList (name: string, value: unknown, pattern: RegExp, what: string): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new OptionError(name, `must be an array of ${what}`)
  value.forEach((item, i) => {
    if (typeof item !== 'string' || !pattern.test(item)) throw new OptionError(`${name}[${i}]`, `must be ${what} (got ${show(item)})`)
  })
  return value as string[]
}

function resolveRoute (route: unknown, i: number, prefixes: Set<string>, perClient: RateLimitRule | undefined): ResolvedGatewayRoute {
  const name = `routes[${i}]`
  if (!isObject(route)) throw new OptionError(name, 'must be an object')
  if (typeof route.prefix !== 'string' || !PREFIX.test(route.prefix)) {
    throw new OptionError(`${name}.prefix`, `must be a path such as /transactions (no dot segments, no trailing slash; got ${show(route.prefix)})`)
  }
  // What the path check refuses in a request (see path-safety.ts), a prefix may not hold either.
  if (route.prefix.split('/').some((s) => s === '.' || s.startsWith('..') || s.endsWith('..'))) throw new OptionError(`${name}.prefix`, `must not contain dot segments or segments that begin or end with .. (got ${show(route.prefix)})`)
  if (prefixes.has(route.prefix)) throw new OptionError(`${name}.prefix`, `repeats ${route.prefix}`)
  prefixes.add(route.prefix)
  if (!isObject(route.methods) || Object.keys(route.methods).length === 0) {
    throw new OptionError(`${name}.methods`, 'must map at least one HTTP method to its scopes')
  }
  const methods = new Map<string, readonly string[]>()
  for (const [method, scopes] of Object.entries(route.methods)) {
    if (!METHODS.has(method)) throw new OptionError(`${name}.methods.${method}`, `is not one of ${[...METHODS].join(', ')}`)
    if (!Array.isArray(scopes)) {
      throw new OptionError(`${name}.methods.${method}`, `must be an array of scopes (empty for "any valid token"; got ${show(scopes)})`)
    }
    scopes.forEach((scope: unknown, j) => {
      if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
        throw new OptionError(`${name}.methods.${method}[${j}]`, `must be one scope: printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3), one array item per scope (got ${show(scope)})`)
      }
    })
    // A copy of its own: a caller changing its array after start-up changes nothing.
    methods.set(method, Object.freeze([...scopes] as string[]))
  }
  const get = methods.get('GET')
  if (get !== undefined && !methods.has('HEAD')) methods.set('HEAD', get)

  const rules = new Map<string, RateLimitRule>()
  if (route.rateLimit !== undefined) {
    if (!isObject(route.rateLimit)) throw new OptionError(`${name}.rateLimit`, 'must map HTTP methods to { max, windowMs }')
    for (const [method, rule] of Object.entries(route.rateLimit)) {
      if (!methods.has(method)) throw new OptionError(`${name}.rateLimit.${method}`, 'names a method the route does not allow')
      rules.set(method, resolveRule(`${name}.rateLimit.${method}`, rule))
    }
  }
  const getRule = rules.get('GET')
  if (getRule !== undefined && !rules.has('HEAD')) rules.set('HEAD', getRule)
  if (perClient !== undefined) for (const method of methods.keys()) if (!rules.has(method)) rules.set(method, perClient)
  return { prefix: route.prefix, upstream: upstreamUrl(`${name}.upstream`, route.upstream), methods, rateLimits: rules }
}

function resolveIdentityHeaders (value: unknown): IdentityHeaderNames {
  if (value !== undefined && !isObject(value)) throw new OptionError('identityHeaders', 'must be an object')
  const names = { ...DEFAULT_IDENTITY_HEADERS, ...value }
  const seen = new Set<string>()
  for (const [key, header] of Object.entries(names)) {
    if (!Object.hasOwn(DEFAULT_IDENTITY_HEADERS, key)) throw new OptionError(`identityHeaders.${key}`, 'is not a known identity header')
    if (typeof header !== 'string' || !HEADER_NAME.test(header)) throw new OptionError(`identityHeaders.${key}`, `must be a lower-case header name such as x-auth-sub (got ${show(header)})`)
    if (RESERVED_HEADERS.has(header)) throw new OptionError(`identityHeaders.${key}`, `must not be a header HTTP or the gateway already gives a meaning to (got ${show(header)})`)
    if (seen.has(header)) throw new OptionError(`identityHeaders.${key}`, `repeats the header name ${header}`)
    seen.add(header)
  }
  return names as IdentityHeaderNames
}

function resolveListen (value: unknown): { port: number, host: string } {
  if (value !== undefined && !isObject(value)) throw new OptionError('listen', 'must be an object such as { "port": 8080, "host": "127.0.0.1" }')
  const port = value?.port ?? 8080
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) throw new OptionError('listen.port', `must be an integer from 0 to 65535 (got ${show(port)})`)
  const host = value?.host ?? '127.0.0.1'
  if (typeof host !== 'string' || host === '') throw new OptionError('listen.host', `must be a host name or address (got ${show(host)})`)
  return { port: port as number, host }
}

/**
 * Checks a gateway configuration and applies defaults.
 *
 * @example
 * ```ts
 * resolveGatewayConfig({ routes: [{ prefix: '/transactions', upstream: 'http://127.0.0.1:9001',
 *   methods: { GET: ['transactions/get'], POST: ['transactions/post'] } }] })
 * ```
 */
export function resolveGatewayConfig (config: GatewayConfig): ResolvedGatewayConfig {
  if (!isObject(config)) throw new OptionError('gateway', 'must be an object')
  for (const key of Object.keys(config)) if (!TOP_LEVEL.has(key)) throw new OptionError(key, `is not a gateway option (${[...TOP_LEVEL].filter((k) => k !== '$schema').join(', ')})`)
  if (!Array.isArray(config.routes) || config.routes.length === 0) throw new OptionError('routes', 'must be a non-empty array')
  const rateLimit = resolveRateLimitConfig(config.rateLimit)
  const prefixes = new Set<string>()
  const routes = config.routes.map((route, i) => resolveRoute(route, i, prefixes, rateLimit?.perClient))

  if (config.stripHeaders !== undefined && !isObject(config.stripHeaders)) throw new OptionError('stripHeaders', 'must be an object such as { "names": ["x-user-id"], "prefixes": ["x-internal-"] }')
  const stripHeaders = {
    names: stringList('stripHeaders.names', config.stripHeaders?.names, HEADER_TOKEN, 'a header name'),
    prefixes: stringList('stripHeaders.prefixes', config.stripHeaders?.prefixes, HEADER_TOKEN, 'a header-name prefix')
  }
  const stripQueryParams = stringList('stripQueryParams', config.stripQueryParams, QUERY_NAME, 'a query parameter name')

  const timeout = config.upstreamTimeoutMs ?? 10_000
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 300_000) {
    throw new OptionError('upstreamTimeoutMs', `must be an integer from 1 to 300000 (got ${show(timeout)})`)
  }
  if (config.auth !== undefined && !isObject(config.auth)) throw new OptionError('auth', 'must be an object of the plugin\'s options, such as { "issuer": "https://…", "clientId": "…" }')
  const logLevel = config.logLevel ?? 'info'
  if (!LOG_LEVELS.has(logLevel)) throw new OptionError('logLevel', `must be one of ${[...LOG_LEVELS].join(', ')} (got ${show(logLevel)})`)
  return {
    routes,
    identityHeaders: resolveIdentityHeaders(config.identityHeaders),
    stripHeaders,
    stripQueryParams,
    upstreamTimeoutMs: timeout,
    // A route's own rules need the limiter even without a rateLimit section: memory, fail open.
    rateLimit: rateLimit ?? (routes.some((route) => route.rateLimits.size > 0) ? resolveRateLimitConfig({}) : undefined),
    auth: config.auth,
    listen: resolveListen(config.listen),
    logLevel,
    metrics: resolveMetricsConfig(config.metrics, prefixes),
    trustProxy: resolveTrustProxy(config.trustProxy)
  }
}

// proxy-addr's names for address ranges.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** An address or CIDR range of a proxy (prefix length within the family's), or a range name. */
function isProxyAddress (item: unknown): boolean {
  if (typeof item !== 'string') return false
  if (PROXY_RANGE_NAMES.has(item)) return true
  const [address, bits, extra] = item.split('/')
  const family = isIP(address as string)
  return family !== 0 && extra === undefined && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)))
}

function resolveTrustProxy (value: unknown): boolean | number | string | readonly string[] | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 32) return value
  const list = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value
  if (Array.isArray(list) && list.length > 0 && list.every(isProxyAddress)) {
    return typeof value === 'string' ? value : Object.freeze([...list] as string[])
  }
  throw new OptionError('trustProxy', `must be true, a hop count from 1 to 32, or proxy addresses or CIDR ranges such as ["10.0.0.0/8"] (got ${show(value)})`)
}

/**
 * Reads and checks a gateway configuration from a JSON file.
 *
 * @example
 * ```ts
 * const config = loadGatewayConfig('gateway.json')
 * const gateway = await buildGateway({ config })
 * ```
 */
export function loadGatewayConfig (path: string): ResolvedGatewayConfig {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new OptionError('configFile', `could not be read as JSON (${(err as Error).message})`)
  }
  return resolveGatewayConfig(parsed as GatewayConfig)
}
