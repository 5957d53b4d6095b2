/**
 * The gateway's route table and identity-header names, declared as data (a JSON file or an
 * object), never in code, and checked once at start-up: a wrong entry throws a TypeError naming it.
 */
import { readFileSync } from 'node:fs'
import { OptionError } from '../src/verifier/errors.js'

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
}

/** Header names the verified identity is forwarded in. */
export interface IdentityHeaderNames {
  sub: string
  clientId: string
  scopes: string
  username: string
  groups: string
  tokenUse: string
}

/** The gateway's data-driven configuration. */
export interface GatewayConfig {
  routes: GatewayRoute[]
  /** Header names for the forwarded identity. Defaults: `x-auth-sub`, `x-auth-client-id`, `x-auth-scopes`, `x-auth-username`, `x-auth-groups`, `x-auth-token-use`. */
  identityHeaders?: Partial<IdentityHeaderNames>
  /** How long the upstream may take to answer, in milliseconds. Default 10000 (10 seconds). */
  upstreamTimeoutMs?: number
}

/** The configuration with defaults applied. */
export interface ResolvedGatewayConfig {
  readonly routes: ReadonlyArray<{ prefix: string, upstream: string, methods: ReadonlyMap<string, readonly string[]> }>
  readonly identityHeaders: Readonly<IdentityHeaderNames>
  readonly upstreamTimeoutMs: number
}

export const DEFAULT_IDENTITY_HEADERS: Readonly<IdentityHeaderNames> = Object.freeze({
  sub: 'x-auth-sub',
  clientId: 'x-auth-client-id',
  scopes: 'x-auth-scopes',
  username: 'x-auth-username',
  groups: 'x-auth-groups',
  tokenUse: 'x-auth-token-use'
})

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const HEADER_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/
const PREFIX = /^\/[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/

function upstreamUrl (name: string, value: unknown): string {
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new OptionError(name, 'must be an absolute http(s) URL')
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new OptionError(name, 'must be an http(s) URL without query, fragment or credentials')
  }
  return url.href.replace(/\/$/, '')
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
  if (typeof config !== 'object' || config === null) throw new OptionError('gateway', 'must be an object')
  if (!Array.isArray(config.routes) || config.routes.length === 0) throw new OptionError('routes', 'must be a non-empty array')
  const prefixes = new Set<string>()
  const routes = config.routes.map((route, i) => {
    const name = `routes[${i}]`
    if (typeof route !== 'object' || route === null) throw new OptionError(name, 'must be an object')
    if (typeof route.prefix !== 'string' || !PREFIX.test(route.prefix)) {
      throw new OptionError(`${name}.prefix`, 'must be a path such as /transactions (no dot segments, no trailing slash)')
    }
    if (route.prefix.split('/').some((s) => s === '.' || s === '..')) throw new OptionError(`${name}.prefix`, 'must not contain dot segments')
    if (prefixes.has(route.prefix)) throw new OptionError(`${name}.prefix`, `repeats ${route.prefix}`)
    prefixes.add(route.prefix)
    if (typeof route.methods !== 'object' || route.methods === null || Object.keys(route.methods).length === 0) {
      throw new OptionError(`${name}.methods`, 'must map at least one HTTP method to its scopes')
    }
    const methods = new Map<string, readonly string[]>()
    for (const [method, scopes] of Object.entries(route.methods)) {
      if (!METHODS.has(method)) throw new OptionError(`${name}.methods.${method}`, `is not one of ${[...METHODS].join(', ')}`)
      if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && s.length > 0)) {
        throw new OptionError(`${name}.methods.${method}`, 'must be an array of scopes (empty for "any valid token")')
      }
      methods.set(method, scopes)
    }
    const get = methods.get('GET')
    if (get !== undefined && !methods.has('HEAD')) methods.set('HEAD', get)
    return { prefix: route.prefix, upstream: upstreamUrl(`${name}.upstream`, route.upstream), methods }
  })

  const identityHeaders = { ...DEFAULT_IDENTITY_HEADERS, ...config.identityHeaders }
  const seen = new Set<string>()
  for (const [key, value] of Object.entries(identityHeaders)) {
    if (!(key in DEFAULT_IDENTITY_HEADERS)) throw new OptionError(`identityHeaders.${key}`, 'is not a known identity header')
    if (typeof value !== 'string' || !HEADER_NAME.test(value)) throw new OptionError(`identityHeaders.${key}`, 'must be a lower-case header name such as x-auth-sub')
    if (seen.has(value)) throw new OptionError(`identityHeaders.${key}`, `repeats the header name ${value}`)
    seen.add(value)
  }

  const timeout = config.upstreamTimeoutMs ?? 10_000
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 300_000) {
    throw new OptionError('upstreamTimeoutMs', 'must be an integer from 1 to 300000')
  }
  return { routes, identityHeaders, upstreamTimeoutMs: timeout }
}

/** Reads and checks a gateway configuration from a JSON file. */
export function loadGatewayConfig (path: string): ResolvedGatewayConfig {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new OptionError('configFile', `could not be read as JSON (${(err as Error).message})`)
  }
  return resolveGatewayConfig(parsed as GatewayConfig)
}
