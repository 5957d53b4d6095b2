import { randomUUID } from 'node:crypto'
import t from 'tap'
import { JwksUnavailableError, KeyLookupUnavailableError, KeyNotFoundError } from '../../src/verifier/errors.js'
import { KeyEntry, RemoteKeySet, type RemoteKeySetOptions } from '../../src/verifier/jwks-cache.js'
import type { Jwk } from '../../src/verifier/jwk.js'
import type { TokenVerifier } from '../../src/verifier/verifier.js'
import { rejectsWith, type Asserts } from '../helpers/assert.js'
import { issuerFixture, type IssuerFixture } from '../helpers/verifier-fixture.js'
import { manualClock, startJwksServer } from '../helpers/jwks-server.js'
import { accessClaims, makeKey, rawToken } from '../helpers/keys.js'

const COOLDOWN = 30_000
const MAX_AGE = 60_000
const STALE = 120_000
const timing = { jwksCooldownMs: COOLDOWN, jwksMaxAgeMs: MAX_AGE, jwksStaleIfErrorMs: STALE }

const keyA = await makeKey('RS256', 'key-a')
const keyB = await makeKey('RS256', 'key-b')

const failing = (_req: unknown, res: { statusCode: number, end: () => void }): void => { res.statusCode = 500; res.end() }

/** Verifies `count` tokens with random unknown kids at once; all must fail with `code` (ERR_KEY_NOT_FOUND). */
async function unknownKids (t: Asserts, verifier: TokenVerifier, issuer: string, count: number, code = 'ERR_KEY_NOT_FOUND'): Promise<void> {
  const results = await Promise.allSettled(Array.from({ length: count }, async () =>
    await verifier.verify(rawToken({ alg: 'RS256', kid: randomUUID() }, accessClaims(issuer)))))
  const refused = results.filter((r) => r.status === 'rejected' && r.reason.code === code)
  t.equal(refused.length, count, `all ${count} unknown kids fail with ${code}`)
}

/**
 * Holds the next JWKS download at the server; the returned function waits for it to land.
 * Holding it makes the wait deterministic: prefetch joins the download still in flight.
 */
function holdRefresh (f: IssuerFixture): () => Promise<void> {
  const previous = f.server.handler
  let release = (): void => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  f.server.handler = (req, res) => {
    void gate.then(() => {
      if (previous !== undefined) return previous(req, res)
      res.end(JSON.stringify({ keys: f.server.keys }))
    })
  }
  return async () => {
    const joined = f.verifier.prefetch().catch(() => {})
    release()
    await joined
    f.server.handler = previous
  }
}

function keySetOptions (clock: () => number, overrides: Partial<RemoteKeySetOptions> = {}): RemoteKeySetOptions {
  return { timeoutMs: 1000, maxBytes: 1 << 20, cooldownMs: COOLDOWN, maxAgeMs: MAX_AGE, staleIfErrorMs: STALE, clock, ...overrides }
}

t.test('fetches the JWKS once for 100 concurrent verifies on a cold cache', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  const tokens = await Promise.all(Array.from({ length: 100 }, async (_, i) => await f.token({ jti: `jti-${i}` })))
  const verified = await Promise.all(tokens.map(async (token) => await f.verifier.verify(token)))
  t.equal(verified.length, 100)
  t.equal(f.verifier.jwksFetchCount, 1)
  t.equal(f.server.requests.length, 1)
})

t.test('refreshes at most once per cooldown, however many unknown kids arrive', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: timing })
  await f.verifier.prefetch()
  t.equal(f.verifier.jwksFetchCount, 1)

  await unknownKids(t, f.verifier, f.server.issuer, 1000)
  t.equal(f.verifier.jwksFetchCount, 1, 'inside the cooldown: no fetch at all')

  f.clock.advance(COOLDOWN)
  await unknownKids(t, f.verifier, f.server.issuer, 1000)
  t.equal(f.verifier.jwksFetchCount, 2, 'past the cooldown: exactly one more, shared by all 1,000')
  await unknownKids(t, f.verifier, f.server.issuer, 1000)
  t.equal(f.verifier.jwksFetchCount, 2, 'and none for the next 1,000')

  f.clock.advance(COOLDOWN - 1)
  await unknownKids(t, f.verifier, f.server.issuer, 10)
  t.equal(f.verifier.jwksFetchCount, 2, 'one millisecond short of the next cooldown')
  f.clock.advance(1)
  await unknownKids(t, f.verifier, f.server.issuer, 10)
  t.equal(f.verifier.jwksFetchCount, 3)
  t.equal(f.server.requests.length, 3)
})

t.test('refreshes the JWKS once when an unknown kid arrives after the cooldown, so a rotated key is found', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: timing })
  await f.verifier.prefetch()
  f.server.keys = [keyA.jwk, keyB.jwk]
  const tokenB = await f.token({}, {}, keyB)

  f.clock.advance(1000)
  await rejectsWith(t, f.verifier.verify(tokenB), KeyNotFoundError, 'ERR_KEY_NOT_FOUND', 'inside the cooldown')
  t.equal(f.verifier.jwksFetchCount, 1)

  f.clock.advance(COOLDOWN)
  t.equal((await f.verifier.verify(tokenB)).kid, 'key-b')
  t.equal(f.verifier.jwksFetchCount, 2)
  t.equal((await f.verifier.verify(await f.token())).kid, 'key-a', 'the old key still works while published')
  t.equal(f.verifier.jwksFetchCount, 2)
})

t.test('refreshes the JWKS in the background once it enters the last tenth of jwksMaxAgeMs', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: timing })
  await f.verifier.verify(await f.token({ jti: '1' }))
  f.clock.advance(MAX_AGE * 0.9 - 1)
  await f.verifier.verify(await f.token({ jti: '2' }))
  t.equal(f.verifier.jwksFetchCount, 1, 'still fresh')
  f.clock.advance(1)
  const land = holdRefresh(f)
  await f.verifier.verify(await f.token({ jti: '3' }))
  t.equal(f.verifier.jwksFetchCount, 2, 'refetched ahead of max age')
  await land()
  f.clock.advance(MAX_AGE * 0.9 - 1)
  await f.verifier.verify(await f.token({ jti: '4' }))
  t.equal(f.verifier.jwksFetchCount, 2, 'the new set is fresh for another 90 % of max age')
})

t.test('stops trusting a key removed from the JWKS, even for a token in the verified-token cache', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: timing })
  const token = await f.token()
  await f.verifier.verify(token)
  const first = await f.verifier.verify(token)
  t.equal(await f.verifier.verify(token), first, 'cached on its second use, served from the cache on its third')

  f.server.keys = [keyB.jwk]
  f.clock.advance(MAX_AGE)
  const land = holdRefresh(f)
  t.equal(await f.verifier.verify(token), first, 'past max age the token is served at once while the set refreshes')
  t.equal(f.verifier.jwksFetchCount, 2)
  await land()
  await rejectsWith(t, f.verifier.verify(token), KeyNotFoundError, 'ERR_KEY_NOT_FOUND', 'once the refresh no longer lists the key')
  t.equal(f.verifier.jwksFetchCount, 2)
  t.equal(f.verifier.cachedTokenCount, 0, 'the entry is gone')
  await rejectsWith(t, f.verifier.verify(token), KeyNotFoundError, 'ERR_KEY_NOT_FOUND', 'and stays rejected')
})

t.test('retires a removed key as soon as any refresh no longer lists it', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: timing })
  const tokenA = await f.token()
  await f.verifier.verify(tokenA)
  f.server.keys = [keyB.jwk]
  f.clock.advance(COOLDOWN)
  await f.verifier.verify(await f.token({}, {}, keyB)) // the unknown kid refreshes the set
  t.equal(f.verifier.jwksFetchCount, 2)
  await rejectsWith(t, f.verifier.verify(tokenA), KeyNotFoundError, 'ERR_KEY_NOT_FOUND', 'long before max age')
})

t.test('keeps verifying with the last good keys while the JWKS endpoint fails, until maxAge + staleIfError', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { ...timing, tokenCacheMaxEntries: 0 } })
  const token = await f.token()
  await f.verifier.prefetch()
  f.server.handler = failing

  f.clock.advance(MAX_AGE)
  let land = holdRefresh(f)
  t.equal((await f.verifier.verify(token)).sub, 'client-abc', 'stale keys serve while the refresh fails')
  t.equal(f.verifier.jwksFetchCount, 2)
  await land()

  f.clock.advance(STALE - 1)
  land = holdRefresh(f)
  t.equal((await f.verifier.verify(token)).sub, 'client-abc', 'and the last millisecond of the window')
  t.equal(f.verifier.jwksFetchCount, 3)
  await land()

  f.clock.advance(1)
  const err = await rejectsWith(t, f.verifier.verify(token), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE')
  t.equal(err.kind, 'unavailable')
  t.equal(err.retryAfterMs, 1999, 'the second failure backs off 2 s; 1 ms of it has passed')
  t.match(err.message, /HTTP 500/)
  t.equal(f.verifier.jwksFetchCount, 3, 'no fetch during the back-off')
})

t.test('serves a cached token at once during an outage, and retires it once the endpoint is back without its key', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: timing })
  const token = await f.token()
  await f.verifier.verify(token)
  const first = await f.verifier.verify(token)
  f.server.handler = failing

  f.clock.advance(MAX_AGE)
  let land = holdRefresh(f)
  t.equal(await f.verifier.verify(token), first, 'served at once; a background refresh starts')
  t.equal(f.verifier.jwksFetchCount, 2)
  await land()
  t.equal(await f.verifier.verify(token), first, 'during the back-off the cached token is served as is')
  t.equal(f.verifier.jwksFetchCount, 2)

  f.clock.advance(1000)
  land = holdRefresh(f)
  t.equal(await f.verifier.verify(token), first, 'once the back-off ends, the next request starts another refresh')
  t.equal(f.verifier.jwksFetchCount, 3)
  await land()

  f.server.handler = undefined
  f.server.keys = [keyB.jwk]
  f.clock.advance(2000)
  land = holdRefresh(f)
  await f.verifier.verify(token)
  await land()
  t.equal(f.verifier.jwksFetchCount, 4)
  await rejectsWith(t, f.verifier.verify(token), KeyNotFoundError, 'ERR_KEY_NOT_FOUND', 'the endpoint is back and no longer lists the key')
})

t.test('backs off on a cold cache during an outage: a bounded number of fetches, not one per request', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { ...timing, jwksCooldownMs: 5000, jwksStaleIfErrorMs: 0 } })
  const token = await f.token()
  f.server.handler = failing

  const burst = await Promise.allSettled(Array.from({ length: 100 }, async () => await f.verifier.verify(token)))
  t.ok(burst.every((r) => r.status === 'rejected' && r.reason instanceof JwksUnavailableError), '100 concurrent requests all get ERR_JWKS_UNAVAILABLE')
  t.equal(f.verifier.jwksFetchCount, 1, 'from a single fetch')
  for (let i = 0; i < 50; i++) await rejectsWith(t, f.verifier.verify(token), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE', `request ${i}`)
  t.equal(f.verifier.jwksFetchCount, 1, '50 more requests during the back-off fetch nothing')

  f.clock.advance(999)
  t.equal((await rejectsWith(t, f.verifier.verify(token), JwksUnavailableError)).retryAfterMs, 1)
  t.equal(f.verifier.jwksFetchCount, 1)

  // Back-off doubles from 1 s and is capped by the cooldown (5 s here).
  for (const [wait, retry] of [[1, 2000], [2000, 4000], [4000, 5000], [5000, 5000]] as const) {
    f.clock.advance(wait)
    const err = await rejectsWith(t, f.verifier.verify(token), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE')
    t.equal(err.retryAfterMs, retry, `after waiting ${wait} ms the next attempt is ${retry} ms away`)
  }
  t.equal(f.verifier.jwksFetchCount, 5)

  f.server.handler = undefined
  f.clock.advance(5000)
  t.equal((await f.verifier.verify(token)).kid, 'key-a', 'recovers once the endpoint answers')
  t.equal(f.verifier.jwksFetchCount, 6)

  f.server.handler = failing
  f.clock.advance(MAX_AGE)
  const again = await rejectsWith(t, f.verifier.verify(token), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE')
  t.equal(again.retryAfterMs, 1000, 'a success resets the back-off')
})

t.test('answers an unknown kid with 503 while its lookup fails, and never starts the cooldown on a failure', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { ...timing, jwksCooldownMs: 1000 } })
  const token = await f.token()
  await f.verifier.prefetch()
  f.server.handler = failing
  f.clock.advance(1000)
  const [err] = await Promise.allSettled([f.verifier.verify(rawToken({ alg: 'RS256', kid: 'new' }, accessClaims(f.server.issuer)))])
  t.ok(err?.status === 'rejected' && err.reason instanceof KeyLookupUnavailableError, 'a failed lookup is ERR_KEY_LOOKUP_UNAVAILABLE')
  t.ok(err?.status === 'rejected' && err.reason instanceof JwksUnavailableError, 'which is a JwksUnavailableError: 503 with Retry-After')
  t.equal((err as PromiseRejectedResult).reason.retryAfterMs, 1000)
  t.equal(f.verifier.jwksFetchCount, 2, 'the refresh was tried and failed')
  await unknownKids(t, f.verifier, f.server.issuer, 20, 'ERR_KEY_LOOKUP_UNAVAILABLE')
  t.equal(f.verifier.jwksFetchCount, 2, 'no retry during the back-off')
  t.equal((await f.verifier.verify(token)).kid, 'key-a', 'known keys keep working')
  f.clock.advance(1000)
  await unknownKids(t, f.verifier, f.server.issuer, 1, 'ERR_KEY_LOOKUP_UNAVAILABLE')
  t.equal(f.verifier.jwksFetchCount, 3)

  f.server.handler = undefined
  f.server.keys = [keyA.jwk, keyB.jwk]
  f.clock.advance(1000)
  t.equal((await f.verifier.verify(await f.token({}, {}, keyB))).kid, 'key-b', 'the first lookup after the back-off finds the new key')
  t.equal(f.verifier.jwksFetchCount, 4)
  await unknownKids(t, f.verifier, f.server.issuer, 5)
  t.equal(f.verifier.jwksFetchCount, 4, 'a successful fetch starts the cooldown')
})

t.test('reports a slow or oversize JWKS as unavailable, never as a bad token', async (t) => {
  const slow = await issuerFixture(t, { key: keyA, options: { jwksTimeoutMs: 100 } })
  slow.server.handler = () => {}
  const started = Date.now()
  const err = await rejectsWith(t, slow.verifier.verify(await slow.token()), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE', 'timeout')
  t.match(err.message, /no answer within 100 ms/)
  t.ok(Date.now() - started < 1000)

  const big = await issuerFixture(t, { key: keyA, options: { jwksMaxBytes: 1024 } })
  big.server.keys = [keyA.jwk, keyB.jwk, { ...keyB.jwk, kid: 'key-c' }]
  await rejectsWith(t, big.verifier.verify(await big.token()), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE', 'over the size cap')
})

t.test('prefetch loads every issuer\'s keys, and reports an issuer it cannot reach', async (t) => {
  const a = await issuerFixture(t, { key: keyA })
  const b = await startJwksServer([keyB.jwk], 'pool_b')
  t.teardown(b.close)
  const verifier = a.makeVerifier({ issuers: [a.server.issuer, b.issuer] })
  await verifier.prefetch()
  t.equal(verifier.jwksFetchCount, 2)
  t.equal((await verifier.verify(await a.token())).issuer, a.server.issuer)
  t.equal((await verifier.verify(await a.token({ iss: b.issuer }, {}, keyB))).issuer, b.issuer)
  t.equal(verifier.jwksFetchCount, 2, 'no fetch at request time')

  b.handler = failing
  const cold = a.makeVerifier({ issuers: [a.server.issuer, b.issuer] })
  await rejectsWith(t, cold.prefetch(), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE')
  t.equal(cold.jwksFetchCount, 2)
  await rejectsWith(t, cold.prefetch(), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE', 'during the back-off')
  t.equal(cold.jwksFetchCount, 3, 'only the healthy issuer is fetched again')
})

t.test('collapses an identical duplicate key and keeps different keys listed under one kid', async (t) => {
  const clock = manualClock()
  const server = await startJwksServer([keyA.jwk, keyA.jwk, { ...keyB.jwk, kid: 'key-a' }])
  t.teardown(server.close)
  const set = new RemoteKeySet(server.jwksUri, keySetOptions(clock.now))
  const entries = await set.getKeys('key-a')
  t.equal(entries.length, 2)
  t.equal(entries[0]?.jwk.n, keyA.jwk.n)
  t.equal(entries[1]?.jwk.n, keyB.jwk.n)
})

t.test('reuses a key entry, and its imported key, while the JWKS lists it unchanged', async (t) => {
  const clock = manualClock()
  const server = await startJwksServer([keyA.jwk])
  t.teardown(server.close)
  const set = new RemoteKeySet(server.jwksUri, keySetOptions(clock.now))
  const [before] = await set.getKeys('key-a')
  clock.advance(MAX_AGE)
  await set.getKeys('key-a')
  await set.settled()
  const [after] = await set.getKeys('key-a')
  t.equal(set.fetchCount, 2)
  t.equal(after, before, 'same entry')
  t.ok(before?.live)

  server.keys = [{ ...keyB.jwk, kid: 'key-a' }]
  clock.advance(MAX_AGE)
  await set.getKeys('key-a')
  await set.settled()
  const [replaced] = await set.getKeys('key-a')
  t.not(replaced, before, 'new material under the same kid is a new entry')
  t.notOk(before?.live, 'the old entry is retired')
  t.notOk(set.isTrusted(before as KeyEntry, clock.now()))
  t.ok(set.isTrusted(replaced as KeyEntry, clock.now()))
})

t.test('never mistakes one key for another across a refresh, whatever its kid or members hold', async (t) => {
  const ec = await makeKey('ES256', 'k')
  const y = ec.jwk.y as string
  const clock = manualClock()
  const server = await startJwksServer([ec.jwk])
  t.teardown(server.close)
  const set = new RemoteKeySet(server.jwksUri, keySetOptions(clock.now))
  const [original] = await set.getKeys('k')
  // Moving the last character of y into the kid keeps "y + kid" the same string.
  const shiftedKid = `${y.slice(-1)}k`
  server.keys = [{ ...ec.jwk, y: y.slice(0, -1), kid: shiftedKid }]
  clock.advance(MAX_AGE)
  const [shifted] = await set.getKeys(shiftedKid)
  t.equal(shifted?.jwk.kid, shiftedKid, 'the entry under the new kid carries the new key')
  t.equal(shifted?.jwk.y, y.slice(0, -1))
  t.notOk(original?.live, 'the old key is retired')

  const a = new KeyEntry({ kty: 'EC', kid: 'k', alg: 'A|B', crv: 'C', x: 'x', y: 'y' })
  const b = new KeyEntry({ kty: 'EC', kid: 'k', alg: 'A', crv: 'B|C', x: 'x', y: 'y' })
  t.not(a.fingerprint, b.fingerprint, 'members never run into each other')
})

t.test('trusts nothing before the first fetch', async (t) => {
  const clock = manualClock()
  const set = new RemoteKeySet('http://127.0.0.1:9/jwks', keySetOptions(clock.now))
  t.notOk(set.isTrusted(new KeyEntry(keyA.jwk as Jwk), clock.now()))
  t.equal(set.fetchCount, 0)
})

t.test('reports the cause of a failed fetch in ERR_JWKS_UNAVAILABLE', async (t) => {
  const clock = manualClock()
  const server = await startJwksServer([])
  t.teardown(server.close)
  server.handler = (_req, res) => { res.end('not json') }
  const set = new RemoteKeySet(server.jwksUri, keySetOptions(clock.now))
  const err = await rejectsWith(t, set.getKeys('k'), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE')
  t.match(err.message, /not JSON/)
  t.equal(err.retryAfterMs, 1000)
})
