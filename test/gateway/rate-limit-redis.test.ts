import t from 'tap'
import { Writable } from 'node:stream'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildGateway } from '../../src/gateway/gateway.js'
import type { RateLimitConfig } from '../../src/gateway/rate-limit-config.js'
import { manualClock, startJwksServer } from '../helpers/jwks-server.js'
import { accessClaims, makeKey, NOW_S, sign } from '../helpers/keys.js'
import { startRecordingUpstream } from '../helpers/recording-upstream.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.js'
import { missingTool, redisServer } from '../helpers/system-tools.js'

const skip = missingTool(redisServer)

// Gateways sharing one JWKS server and one upstream, each with its own log lines.
async function fleet (t: { teardown: (fn: () => Promise<void>) => void }, rateLimit: RateLimitConfig, count = 1, scopes: string[] = []) {
  const key = await makeKey()
  const jwks = await startJwksServer([key.jwk])
  const upstream = await startRecordingUpstream()
  const clock = manualClock(NOW_S * 1000 + 1000)
  t.teardown(async () => { await upstream.close(); await jwks.close() })
  const gateways: Array<{ app: FastifyInstance, logs: Array<{ level: number, msg: string }>, get: (token: string) => Promise<Response> }> = []
  for (let i = 0; i < count; i++) {
    const logs: Array<{ level: number, msg: string }> = []
    const stream = new Writable({ write (chunk: Buffer, _enc, done) { logs.push(JSON.parse(chunk.toString())); done() } })
    const app = await buildGateway({
      config: { routes: [{ prefix: '/transactions', upstream: upstream.url, methods: { GET: scopes } }], rateLimit },
      auth: { issuer: jwks.issuer, clientId: null, clock: clock.now },
      fastify: { logger: { level: 'info', stream } }
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    t.teardown(async () => { await app.close() })
    const port = (app.server.address() as AddressInfo).port
    gateways.push({ app, logs, get: async (token) => await fetch(`http://127.0.0.1:${port}/transactions`, { headers: { authorization: `Bearer ${token}` } }) })
  }
  const token = async (clientId: string, scope?: string): Promise<string> => await sign(key, accessClaims(jwks.issuer, { client_id: clientId, ...(scope === undefined ? {} : { scope }) }))
  return { gateways, token, upstream, issuer: jwks.issuer }
}

async function redisFor (t: { teardown: (fn: () => Promise<void>) => void }): Promise<RunningRedis> {
  const redis = await startRedis()
  t.teardown(redis.stop)
  return redis
}

// ioredis reconnects in the background; wait (100 ms at a time) until the store answers again.
async function until (check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !await check(); i++) await new Promise((resolve) => setTimeout(resolve, 100))
}

t.test('two gateway instances sharing one Redis enforce one limit per client', { skip }, async (t) => {
  const redis = await redisFor(t)
  const { gateways: [a, b], token } = await fleet(t, { perClient: { max: 3, windowMs: 60_000 }, redisUrl: redis.url }, 2)
  if (a === undefined || b === undefined) throw new Error('two gateways expected')
  const alice = await token('alice')
  t.same([(await a.get(alice)).status, (await b.get(alice)).status, (await a.get(alice)).status], [200, 200, 200])
  const over = await b.get(alice)
  t.equal(over.status, 429, 'the fourth request is refused, whichever instance gets it')
  t.equal(over.headers.get('ratelimit-limit'), '3')
  t.ok(Number(over.headers.get('retry-after')) > 0)
  t.equal((await a.get(alice)).status, 429)
  t.equal((await a.get(await token('bob'))).status, 200, 'another client has its own count')
})

t.test('with Redis, a token without the method\'s scope gets 403 and still spends its count', { skip }, async (t) => {
  const redis = await redisFor(t)
  const { gateways: [g], token } = await fleet(t, { perClient: { max: 1, windowMs: 60_000 }, redisUrl: redis.url }, 1, ['transactions/get'])
  if (g === undefined) throw new Error('a gateway expected')
  const lacking = await token('carol', 'transactions/post')
  const first = await g.get(lacking)
  t.equal(first.status, 403)
  t.match(first.headers.get('www-authenticate'), /insufficient_scope/)
  t.equal(first.headers.get('ratelimit-remaining'), '0')
  t.equal((await g.get(lacking)).status, 429, 'the refused request was counted')
  t.equal((await g.get(await token('dave', 'transactions/get'))).status, 200)
})

t.test('refusals without a valid token are counted in Redis too, so the fleet shares that limit', { skip }, async (t) => {
  const redis = await redisFor(t)
  const { gateways: [a, b] } = await fleet(t, { unauthenticated: { max: 1, windowMs: 60_000 }, redisUrl: redis.url }, 2)
  if (a === undefined || b === undefined) throw new Error('two gateways expected')
  const first = await a.get('not-a-token')
  t.equal(first.status, 401)
  t.equal(first.headers.get('ratelimit-remaining'), '0')
  const second = await b.get('not-a-token')
  t.equal(second.status, 429, 'the other instance saw the first refusal')
  t.equal(second.headers.get('www-authenticate'), null)
})

t.test('each Redis key names the prefix, the method and route, and the client with its issuer', { skip }, async (t) => {
  const redis = await redisFor(t)
  const { gateways: [g], token, issuer } = await fleet(t, { perClient: { max: 5, windowMs: 60_000 }, unauthenticated: { max: 5, windowMs: 60_000 }, redisUrl: redis.url, redisKeyPrefix: 'edge:' })
  if (g === undefined) throw new Error('a gateway expected')
  t.equal((await g.get(await token('alice'))).status, 200)
  t.equal((await g.get('not-a-token')).status, 401)
  const { Redis } = await import('ioredis')
  const client = new Redis(redis.url)
  t.teardown(() => { client.disconnect() })
  t.same((await client.keys('*')).sort(), [`edge:GET /transactions client:alice ${issuer}`, 'edge:refused address:127.0.0.1'])
})

t.test('with Redis gone, fail open serves unlimited and logs once; the limit returns with Redis', { skip }, async (t) => {
  const redis = await redisFor(t)
  const { gateways: [g], token } = await fleet(t, { perClient: { max: 1, windowMs: 60_000 }, redisUrl: redis.url, redisTimeoutMs: 200 })
  if (g === undefined) throw new Error('a gateway expected')
  const alice = await token('alice')
  t.equal((await g.get(alice)).status, 200)
  t.equal((await g.get(alice)).status, 429)
  await redis.stop()
  const during = [await g.get(alice), await g.get(alice), await g.get(alice)]
  t.same(during.map((r) => r.status), [200, 200, 200], 'served, never a 500')
  t.equal(during[0]?.headers.get('ratelimit-limit'), null)
  const down = g.logs.filter((l) => l.msg.startsWith('rate-limit store unreachable'))
  t.equal(down.length, 1, 'logged once, not per request')
  t.match(down[0], { level: 50, msg: /failing open/ })
  await redis.start()
  await until(async () => (await g.get(await token('probe'))).headers.get('ratelimit-limit') !== null)
  t.equal((await g.get(alice)).status, 200, 'a fresh Redis starts a fresh count')
  t.equal((await g.get(alice)).status, 429)
  t.ok(g.logs.some((l) => l.msg === 'rate-limit store reachable again; limits apply'))
})

t.test('with Redis gone, fail closed answers 503 with Retry-After, never a 500', { skip }, async (t) => {
  const redis = await redisFor(t)
  const { gateways: [g], token, upstream } = await fleet(t, { perClient: { max: 5, windowMs: 60_000 }, redisUrl: redis.url, onStoreError: 'closed', redisTimeoutMs: 200 })
  if (g === undefined) throw new Error('a gateway expected')
  const alice = await token('alice')
  t.equal((await g.get(alice)).status, 200)
  await redis.stop()
  const res = await g.get(alice)
  t.equal(res.status, 503)
  t.equal(res.headers.get('retry-after'), '1')
  t.same(await res.json(), { statusCode: 503, code: 'ERR_RATE_LIMIT_UNAVAILABLE', error: 'Service Unavailable', message: 'The rate-limit store cannot be reached; retry shortly.' })
  t.match(g.logs.find((l) => l.msg.startsWith('rate-limit store unreachable')), { msg: /failing closed/ })
  t.equal(upstream.received.length, 1)
})

t.test('a gateway starts while Redis is unreachable, and serves under its policy', { skip }, async (t) => {
  const redis = await redisFor(t)
  await redis.stop()
  const { gateways: [g], token } = await fleet(t, { perClient: { max: 1, windowMs: 60_000 }, redisUrl: redis.url, redisTimeoutMs: 200, unauthenticated: { max: 1, windowMs: 60_000 } })
  if (g === undefined) throw new Error('a gateway expected')
  t.same([(await g.get(await token('a'))).status, (await g.get(await token('a'))).status], [200, 200])
  t.same([(await g.get('bad')).status, (await g.get('bad')).status], [401, 401], 'refusals stay refusals')
  t.equal(g.logs.filter((l) => l.msg.startsWith('rate-limit store unreachable')).length, 1)
})
