/**
 * Per-client rate limits on top of @fastify/rate-limit: one counter per client, route and
 * method, in memory or in Redis (shared by every gateway instance). The key is the verified
 * `client_id` (`sub` for a token without one), never anything the client merely claims; a
 * refused request (no valid token) counts against its address instead.
 *
 * Over the limit: 429 with `Retry-After` and the `RateLimit-Limit`/`-Remaining`/`-Reset` fields
 * (draft-ietf-httpapi-ratelimit-headers), which every limited answer carries. A store failure
 * follows `onStoreError` (open: serve unlimited; closed: 503), is logged once when it starts and
 * once when it ends, and is never a 500.
 */
import rateLimitPlugin from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { clientAddress } from '../fastify/client-address.js'
import type { RateLimitRule, ResolvedRateLimitConfig } from './rate-limit-config.js'
import { connectRedis } from './redis-client.js'

/** Checks one request against one rule; false when the reply has been sent (429 or 503). */
export type RateLimitCheck = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>

/** What the gateway gets back. */
export interface GatewayRateLimits {
  /** The check for one route and method under `rule`. */
  limiter: (prefix: string, method: string, rule: RateLimitRule) => RateLimitCheck
}

interface LimitResult { max: number, remaining: number, ttlInSeconds: number, isExceeded: boolean }
type Limiter = (request: FastifyRequest) => Promise<LimitResult>

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
  await app.register(rateLimitPlugin, { global: false, redis, nameSpace: config.redisKeyPrefix, skipOnError: false })

  const limiterFor = (scope: string, rule: RateLimitRule, key: (request: FastifyRequest) => string): Limiter => {
    return app.createRateLimit({ max: rule.max, timeWindow: rule.windowMs, keyGenerator: (request) => `${scope} ${key(request)}` }) as unknown as Limiter
  }

  // Store failures go through the policy; a result that arrives means the store is back.
  const run = async (limit: Limiter, request: FastifyRequest): Promise<LimitResult | undefined> => {
    try {
      const result = await limit(request)
      recovered()
      return result
    } catch (err) {
      failed(err as Error)
      return undefined
    }
  }

  if (config.unauthenticated !== undefined) {
    const refusals = limiterFor('refused', config.unauthenticated, addressKey)
    // A refusal is decided by the token check before any route runs; it is counted, and turned
    // into a 429 when over the limit, just before it is sent.
    const refused = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
      const result = await run(refusals, request)
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
      void refused(request, reply, payload).then((out) => { done(null, out) })
    })
  }

  return {
    limiter: (prefix, method, rule) => {
      const limit = limiterFor(`${method} ${prefix}`, rule, clientKey)
      return async (request, reply) => {
        const result = await run(limit, request)
        if (result === undefined) {
          if (config.onStoreError === 'open') return true
          await reply.code(503).header('retry-after', 1).header('cache-control', 'no-store').send(UNAVAILABLE)
          return false
        }
        limitHeaders(reply, result)
        if (!result.isExceeded) return true
        await reply.code(429).header('retry-after', result.ttlInSeconds).header('cache-control', 'no-store').send(tooManyBody(result))
        return false
      }
    }
  }
}
