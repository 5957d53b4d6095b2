/**
 * Per-client rate limits with @fastify/rate-limit's stores (see rate-limit-stores.ts): one
 * counter per client, route and method, in memory or in Redis (shared by every gateway instance). The key is the verified
 * `client_id` (`sub` for a token without one), never anything the client merely claims; a
 * refused request (no valid token) counts against its address instead.
 *
 * Over the limit: 429 with `Retry-After` and the `RateLimit-Limit`/`-Remaining`/`-Reset` fields
 * (draft-ietf-httpapi-ratelimit-headers), which every limited answer carries. A store failure
 * follows `onStoreError` (open: serve unlimited; closed: 503), is logged once when it starts and
 * once when it ends, and is never a 500.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { clientAddress } from '../fastify/client-address.js'
import type { RateLimitRule, ResolvedRateLimitConfig } from './rate-limit-config.js'
import { memoryStore, redisStore, type RateLimitStore, type StoreCount } from './rate-limit-stores.js'
import { connectRedis } from './redis-client.js'

/**
 * Checks one request against one rule: true to go on, false when the reply has been sent (429 or
 * 503). Synchronous when the store is in memory; a promise when it is in Redis.
 */
export type RateLimitCheck = (request: FastifyRequest, reply: FastifyReply) => boolean | Promise<boolean>

/** What the gateway gets back. */
export interface GatewayRateLimits {
  /** The check for one route and method under `rule`. */
  limiter: (prefix: string, method: string, rule: RateLimitRule) => RateLimitCheck
}

interface LimitResult { max: number, remaining: number, ttlInSeconds: number, isExceeded: boolean }

/** How many keys each in-memory counter keeps (clients, or refused addresses); the least recently used go first. */
const KEYS_KEPT = 50_000

const REFUSED = new Set([400, 401])

// The issuer is part of the key: with several trusted issuers, one issuer's client (or subject)
// never spends another issuer's same-named client's allowance.
function clientKey (request: FastifyRequest): string {
  const auth = request.auth as NonNullable<FastifyRequest['auth']>
  return auth.clientId !== undefined ? `client:${auth.clientId} ${auth.issuer}` : `sub:${auth.sub} ${auth.issuer}`
}

// A failing key would read as the store being down: clientAddress never throws.
function addressKey (request: FastifyRequest): string {
  return `address:${clientAddress(request)}`
}

function limitHeaders (reply: FastifyReply, result: LimitResult): void {
  reply.header('ratelimit-limit', result.max)
  reply.header('ratelimit-remaining', result.remaining)
  reply.header('ratelimit-reset', result.ttlInSeconds)
}

function tooManyBody (result: LimitResult): { statusCode: number, code: string, error: string, message: string } {
  return { statusCode: 429, code: 'ERR_RATE_LIMITED', error: 'Too Many Requests', message: `Rate limit exceeded; retry in ${result.ttlInSeconds} s.` }
}

const UNAVAILABLE = { statusCode: 503, code: 'ERR_RATE_LIMIT_UNAVAILABLE', error: 'Service Unavailable', message: 'The rate-limit store cannot be reached; retry shortly.' }

/**
 * Registers the limits on `app`: the store (memory or Redis) and, when `unauthenticated` is
 * set, the per-address limit on refusals.
 *
 * @example
 * ```ts
 * const limits = await registerRateLimits(app, resolved.rateLimit)
 * const check = limits.limiter('/transactions', 'POST', { max: 10, windowMs: 60_000 })
 * ```
 */
export async function registerRateLimits (app: FastifyInstance, config: ResolvedRateLimitConfig): Promise<GatewayRateLimits> {
  let storeDown = false
  const failed = (err: Error): void => {
    if (storeDown) return
    storeDown = true
    app.log.error({ err: { code: (err as { code?: string }).code, message: err.message } }, `rate-limit store unreachable; failing ${config.onStoreError === 'open' ? 'open (requests pass unlimited)' : 'closed (requests get 503)'}`)
  }
  const recovered = (): void => {
    if (!storeDown) return
    storeDown = false
    app.log.info('rate-limit store reachable again; limits apply')
  }

  const redis = config.redisUrl === undefined ? undefined : await connectRedis(config.redisUrl, config.redisTimeoutMs, failed)
  if (redis !== undefined) app.addHook('onClose', async () => { redis.disconnect() })
  // In Redis, one store: every key names its scope. In memory, one store per scope, so a flood
  // of refusals from made-up addresses can never push a client's count out, nor one route's
  // clients another's.
  const shared = redis === undefined ? undefined : redisStore(redis, config.redisKeyPrefix)
  const storeFor = (): RateLimitStore => shared ?? memoryStore(KEYS_KEPT)

  /**
   * Counts `request` under `rule`: the result, or undefined when the store failed. Synchronous for
   * the in-memory store, which answers at once; a promise for Redis.
   */
  const counter = (scope: string, rule: RateLimitRule, key: (request: FastifyRequest) => string): (request: FastifyRequest) => LimitResult | undefined | Promise<LimitResult | undefined> => {
    const store = storeFor()
    const result = (counted: StoreCount): LimitResult => {
      recovered()
      return { max: rule.max, remaining: Math.max(0, rule.max - counted.current), ttlInSeconds: Math.ceil(counted.ttl / 1000), isExceeded: counted.current > rule.max }
    }
    const failure = (err: Error): undefined => {
      failed(err)
      return undefined
    }
    return (request) => {
      let answered = false
      let outcome: LimitResult | undefined
      let deliver: ((outcome: LimitResult | undefined) => void) | undefined
      store.incr(`${scope} ${key(request)}`, (err, counted) => {
        const settled = err === null ? result(counted as StoreCount) : failure(err)
        if (deliver !== undefined) return deliver(settled)
        answered = true
        outcome = settled
      }, rule.windowMs, rule.max)
      return answered ? outcome : new Promise((resolve) => { deliver = resolve })
    }
  }

  if (config.unauthenticated !== undefined) {
    const refusals = counter('refused', config.unauthenticated, addressKey)
    // A refusal is decided by the token check before any route runs; it is counted, and turned
    // into a 429 when over the limit, just before it is sent.
    const refused = (reply: FastifyReply, payload: unknown, result: LimitResult | undefined): unknown => {
      if (result === undefined) return payload
      limitHeaders(reply, result)
      if (!result.isExceeded) return payload
      reply.code(429).header('retry-after', result.ttlInSeconds).header('content-type', 'application/json; charset=utf-8')
      reply.removeHeader('www-authenticate')
      reply.removeHeader('content-length')
      return JSON.stringify(tooManyBody(result))
    }
    // Callback style: every answer passes here, and all but refusals leave at once, promise-free.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (request.auth !== null || !REFUSED.has(reply.statusCode)) return done(null, payload)
      const counted = refusals(request)
      if (!(counted instanceof Promise)) return done(null, refused(reply, payload, counted))
      void counted.then((result) => { done(null, refused(reply, payload, result)) })
    })
  }

  const answer = (reply: FastifyReply, result: LimitResult | undefined): boolean => {
    if (result === undefined) {
      if (config.onStoreError === 'open') return true
      reply.code(503).header('retry-after', 1).header('cache-control', 'no-store').send(UNAVAILABLE)
      return false
    }
    limitHeaders(reply, result)
    if (!result.isExceeded) return true
    reply.code(429).header('retry-after', result.ttlInSeconds).header('cache-control', 'no-store').send(tooManyBody(result))
    return false
  }

  return {
    limiter: (prefix, method, rule) => {
      const count = counter(`${method} ${prefix}`, rule, clientKey)
      return (request, reply) => {
        const counted = count(request)
        return counted instanceof Promise ? counted.then((result) => answer(reply, result)) : answer(reply, counted)
      }
    }
  }
}
