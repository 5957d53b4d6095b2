// A key rotation or a flaky JWKS endpoint never costs a valid request: resets are retried,
// refreshes run in the background, an outage is served from stale keys for the documented
// window, and a key that cannot be looked up is a 503, never a 401.
import type { ServerResponse } from 'node:http'
import t from 'tap'
import { JwksUnavailableError, KeyLookupUnavailableError } from '../../src/verifier/errors.js'
import { RemoteKeySet } from '../../src/verifier/jwks-cache.js'
import { rejectsWith } from '../helpers/assert.js'
import { manualClock, startJwksServer } from '../helpers/jwks-server.js'
import { makeKey } from '../helpers/keys.js'
import { issuerFixture } from '../helpers/verifier-fixture.js'

const MINUTE = 60_000
const COOLDOWN = 30_000
const keyA = await makeKey('RS256', 'key-a')
const keyB = await makeKey('RS256', 'key-b')

/** Lets the event loop run until `condition` holds (bounded, so a broken test fails instead of hanging). */
async function until (condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve))
  if (!condition()) throw new Error('condition never held')
}

t.test('finds a new key after one reset connection on the refetch its first token triggers', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  await f.verifier.prefetch()
  f.server.keys = [keyA.jwk, keyB.jwk]
  const ports: Array<number | undefined> = []
  let resets = 1
  f.server.handler = (req, res) => {
    ports.push(req.socket.remotePort)
    if (resets-- > 0) { req.socket.destroy(); return }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: f.server.keys }))
  }
  f.clock.advance(COOLDOWN)
  const tokens = await Promise.all(Array.from({ length: 20 }, async (_, i) => await f.token({ jti: `b-${i}` }, {}, keyB)))
  const verified = await Promise.all(tokens.map(async (token) => await f.verifier.verify(token)))
  t.equal(verified.filter((v) => v.kid === 'key-b').length, 20, '0 of 20 valid requests refused')
  t.equal(f.verifier.jwksFetchCount, 2, 'one download, retried inside itself')
  t.equal(ports.length, 2, 'the reset request and its retry')
  t.not(ports[1], ports[0], 'the retry came on a new connection')
})

t.test('answers 503, not 401, when a new key cannot be looked up because both attempts fail', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  await f.verifier.prefetch()
  f.server.keys = [keyA.jwk, keyB.jwk]
  const healthy = f.server.handler
  f.server.handler = (req) => { req.socket.destroy() }
  f.clock.advance(COOLDOWN)
  const tokenB = await f.token({}, {}, keyB)
  const err = await rejectsWith(t, f.verifier.verify(tokenB), KeyLookupUnavailableError, 'ERR_KEY_LOOKUP_UNAVAILABLE')
  t.equal(err.kind, 'unavailable')
  t.equal(err.retryAfterMs, 1000, 'Retry-After: the failure back-off')
  t.match(err.message, /could not be reached/)
  t.equal(f.server.requests.length, 3, 'the prefetch, then one attempt and one retry')

  f.server.handler = healthy
  f.clock.advance(1000)
  t.equal((await f.verifier.verify(tokenB)).kid, 'key-b', 'once the back-off ends the key is found: the failure started no cooldown')
})

t.test('keeps verifying across a JWKS server restart, and finds the key it publishes after it', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { tokenCacheMaxEntries: 0 } })
  const port = Number(new URL(f.server.origin).port)
  await f.verifier.prefetch()
  await f.server.close()

  f.clock.advance(COOLDOWN)
  t.equal((await f.verifier.verify(await f.token())).kid, 'key-a', 'while it is down, known keys serve')
  await rejectsWith(t, f.verifier.verify(await f.token({}, {}, keyB)), KeyLookupUnavailableError, 'ERR_KEY_LOOKUP_UNAVAILABLE', 'a new kid is a 503 while it is down')

  const restarted = await startJwksServer([keyA.jwk, keyB.jwk], 'local_pool', port)
  t.teardown(restarted.close)
  f.clock.advance(1000)
  t.equal((await f.verifier.verify(await f.token({}, {}, keyB))).kid, 'key-b', 'the first fetch after the restart succeeds')
  t.equal((await f.verifier.verify(await f.token())).kid, 'key-a')
  t.equal(restarted.requests.length, 1)
})

t.test('never makes a request wait on a hanging JWKS endpoint while stale keys are usable', async (t) => {
  // A long timeout: a request that waited on the refresh would settle only when it times out.
  const f = await issuerFixture(t, { key: keyA, options: { jwksTimeoutMs: 20_000 } })
  const cached = await f.token({ jti: 'cached' })
  const fresh = await Promise.all(Array.from({ length: 133 }, async (_, i) => await f.token({ jti: `fresh-${i}` })))
  await f.verifier.verify(cached)
  const held: ServerResponse[] = []
  let closed = false
  f.server.handler = (_req, res) => { held.push(res); res.on('close', () => { closed = true }) }

  // From just before max age (10 min) to well past it, one request per second, half of them
  // with a token never seen (a full verification), half with the cached one.
  f.clock.advance(9 * MINUTE)
  const results: Array<Promise<unknown>> = []
  for (let i = 0; i < 133; i++) {
    results.push(f.verifier.verify(i % 2 === 0 ? cached : fresh[i] as string))
    f.clock.advance(1000)
  }
  const settled = await Promise.allSettled(results)
  t.equal(settled.filter((r) => r.status === 'rejected').length, 0, '0 of 133 requests refused')
  await until(() => held.length === 1)
  t.notOk(closed, 'all 133 were answered while the refresh still hangs: none waited on it')
  t.equal(f.verifier.jwksFetchCount, 2, 'one background refresh for all of them')

  held[0]?.end(JSON.stringify({ keys: [keyB.jwk] }))
  await f.verifier.prefetch().catch(() => {}) // joins the refresh in flight
  await rejectsWith(t, f.verifier.verify(cached), Error, 'ERR_KEY_NOT_FOUND', 'the refresh lands and retires the removed key')
})

t.test('serves a 10-minute outage without a false refusal, and answers 503 only after the stale window', async (t) => {
  // The defaults: keys are fresh for 10 minutes, then usable for 15 more while the endpoint fails.
  const f = await issuerFixture(t, { key: keyA })
  const cached = await f.token({ jti: 'cached' })
  await f.verifier.verify(cached)
  f.server.handler = (_req, res) => { res.statusCode = 503; res.end() }

  const outcomes = new Map<string, number>()
  let firstRefusalAt: number | undefined
  const start = f.clock.now()
  for (let second = 1; second <= 26 * 60; second++) {
    f.clock.set(start + second * 1000)
    const token = second % 10 === 0 ? await f.token({ jti: `t-${second}` }) : cached
    try {
      await f.verifier.verify(token)
      outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1)
    } catch (err) {
      const code = (err as JwksUnavailableError).code
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1)
      firstRefusalAt ??= second
    }
    if (second === 20 * 60) {
      t.same(Object.fromEntries(outcomes), { ok: 1200 }, 'the first 10 minutes of the outage (minutes 10 to 20): 0 refusals')
    }
  }
  t.equal(firstRefusalAt, 25 * 60, 'the first refusal comes exactly at max age + stale window (25 min)')
  t.same([...outcomes.keys()].sort(), ['ERR_JWKS_UNAVAILABLE', 'ok'], 'and it is a 503, never a 401')
  // From minute 9 (refresh-ahead) to 26 the back-off allows about one attempt per 30 s.
  t.ok(f.verifier.jwksFetchCount <= 45, `the failing endpoint was asked ${f.verifier.jwksFetchCount} times, not once per request (1,560)`)
})

/**
 * Steady traffic of 10 requests a second for an hour against a JWKS that takes 2 s to answer:
 * counts the lookups answered with a set past its max age and the lookups that had to wait.
 */
async function steadyTraffic (refreshAheadMs: number | undefined, staleIfErrorMs: number): Promise<{ expired: number, waited: number, fetches: number }> {
  const clock = manualClock()
  const server = await startJwksServer([keyA.jwk])
  const held: ServerResponse[] = []
  server.handler = (_req, res) => { held.push(res) }
  const set = new RemoteKeySet(server.jwksUri, { timeoutMs: 60_000, maxBytes: 1 << 20, cooldownMs: COOLDOWN, maxAgeMs: 10 * MINUTE, staleIfErrorMs, clock: clock.now, refreshAheadMs })
  server.handler = undefined
  await set.prefetch()
  server.handler = (_req, res) => { held.push(res) }
  let waited = 0
  let startedAt: number | undefined
  let fetches = set.fetchCount
  for (let step = 0; step < 36_000; step++) {
    clock.advance(100)
    if (startedAt !== undefined && clock.now() - startedAt >= 2000) {
      await until(() => held.length > 0)
      held.shift()?.end(JSON.stringify({ keys: [keyA.jwk] }))
      await set.settled()
      startedAt = undefined
    }
    const lookup = set.getKeys('key-a')
    if (set.fetchCount !== fetches) { fetches = set.fetchCount; startedAt = clock.now() }
    // A lookup that needs no download settles before the event loop turns.
    if (await Promise.race([lookup.then(() => false), new Promise<boolean>((resolve) => setImmediate(() => resolve(true)))])) waited++
  }
  await until(() => held.length === 0 || startedAt !== undefined)
  for (const res of held) res.end(JSON.stringify({ keys: [keyA.jwk] }))
  await set.settled()
  await server.close()
  return { expired: set.staleCount, waited, fetches: set.fetchCount - 1 }
}

t.test('refresh-ahead: steady traffic never sees an expired key set (measured)', async (t) => {
  const rule = await steadyTraffic(undefined, 15 * MINUTE)
  const lateNoStale = await steadyTraffic(0, 0)
  const late = await steadyTraffic(0, 15 * MINUTE)
  t.comment(`1 h at 10 req/s, JWKS answering in 2 s: refresh-ahead (last 10 % of max age): ${rule.expired} expired-set lookups, ${rule.waited} waited, ${rule.fetches} refreshes`)
  t.comment(`refresh at max age, stale-while-revalidate: ${late.expired} expired-set lookups, ${late.waited} waited, ${late.fetches} refreshes`)
  t.comment(`refresh at max age, no stale keys allowed: ${lateNoStale.expired} expired-set lookups, ${lateNoStale.waited} waited, ${lateNoStale.fetches} refreshes`)
  t.same([rule.expired, rule.waited], [0, 0], 'with refresh-ahead, no lookup sees an expired set and none waits')
  t.ok(late.expired > 0, 'refreshing only at max age serves expired sets while each refresh runs')
  t.equal(late.waited, 0, 'which stale-while-revalidate answers without waiting')
  t.ok(lateNoStale.waited > 0, 'without stale keys, the lookups during each refresh would wait')
})
