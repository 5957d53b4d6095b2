/**
 * The `rateLimit` part of the gateway configuration, and each route's per-method rules, checked
 * once at start-up.
 */
import { OptionError } from '../verifier/errors.js'

/** One limit: at most `max` requests per `windowMs` milliseconds. */
export interface RateLimitRule {
  /** Requests allowed per window, 1 to 1000000000. */
  max: number
  /** Window length in milliseconds, 1000 (1 second) to 86400000 (1 day). */
  windowMs: number
}

/** How the gateway limits request rates. Absent: no limits. */
export interface RateLimitConfig {
  /** The limit per client on every route and method without its own rule. Default: none. */
  perClient?: RateLimitRule
  /** Refused requests (no valid token) per client address. Default: none. */
  unauthenticated?: RateLimitRule
  /**
   * `redis://` or `rediss://` URL of the Redis every gateway instance shares, so a fleet
   * enforces one limit. Default: none (each instance counts in its own memory).
   */
  redisUrl?: string
  /** How long a Redis command may take before it counts as failed, in milliseconds. Default 1000 (1 second). */
  redisTimeoutMs?: number
  /**
   * What happens when the store fails (Redis unreachable or slow): `'open'` lets the request
   * through unlimited, `'closed'` answers 503 with `Retry-After`. Either way it is logged,
   * never a 500. Default `'open'`.
   */
  onStoreError?: 'open' | 'closed'
  /** Key prefix in Redis. Default `'frs-gateway:'`. */
  redisKeyPrefix?: string
}

/** The rate-limit configuration with defaults applied. */
export interface ResolvedRateLimitConfig {
  readonly perClient: RateLimitRule | undefined
  readonly unauthenticated: RateLimitRule | undefined
  readonly redisUrl: string | undefined
  readonly redisTimeoutMs: number
  readonly onStoreError: 'open' | 'closed'
  readonly redisKeyPrefix: string
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function integer (name: string, value: unknown, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new OptionError(name, `must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`)
  }
  return value as number
}

/** Checks one `{ max, windowMs }` rule. */
export function resolveRule (name: string, value: unknown): RateLimitRule {
  if (!isObject(value)) throw new OptionError(name, 'must be an object such as { "max": 100, "windowMs": 60000 }')
  for (const key of Object.keys(value)) if (key !== 'max' && key !== 'windowMs') throw new OptionError(`${name}.${key}`, 'is not a rate-limit field (max, windowMs)')
  return { max: integer(`${name}.max`, value.max, 1, 1_000_000_000), windowMs: integer(`${name}.windowMs`, value.windowMs, 1000, 86_400_000) }
}

function redisUrl (value: unknown): string {
  let url: URL | undefined
  try {
    url = new URL(String(value))
  } catch {}
  if (typeof value !== 'string' || url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
    throw new OptionError('rateLimit.redisUrl', 'must be a redis:// or rediss:// URL')
  }
  return value
}

const KEYS = new Set(['perClient', 'unauthenticated', 'redisUrl', 'redisTimeoutMs', 'onStoreError', 'redisKeyPrefix'])

/** Checks the `rateLimit` section; `undefined` stays `undefined` (no limits). */
export function resolveRateLimitConfig (value: unknown): ResolvedRateLimitConfig | undefined {
  if (value === undefined) return undefined
  if (!isObject(value)) throw new OptionError('rateLimit', 'must be an object')
  for (const key of Object.keys(value)) if (!KEYS.has(key)) throw new OptionError(`rateLimit.${key}`, `is not a rate-limit option (${[...KEYS].join(', ')})`)
  const onStoreError = value.onStoreError ?? 'open'
  if (onStoreError !== 'open' && onStoreError !== 'closed') throw new OptionError('rateLimit.onStoreError', `must be "open" or "closed" (got ${JSON.stringify(onStoreError)})`)
  const prefix = value.redisKeyPrefix ?? 'frs-gateway:'
  if (typeof prefix !== 'string' || !/^[\x21-\x7E]{1,64}$/.test(prefix)) throw new OptionError('rateLimit.redisKeyPrefix', 'must be 1 to 64 visible ASCII characters')
  return {
    perClient: value.perClient === undefined ? undefined : resolveRule('rateLimit.perClient', value.perClient),
    unauthenticated: value.unauthenticated === undefined ? undefined : resolveRule('rateLimit.unauthenticated', value.unauthenticated),
    redisUrl: value.redisUrl === undefined ? undefined : redisUrl(value.redisUrl),
    redisTimeoutMs: integer('rateLimit.redisTimeoutMs', value.redisTimeoutMs ?? 1000, 10, 60_000),
    onStoreError,
    redisKeyPrefix: prefix
  }
}
