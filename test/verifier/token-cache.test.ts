import t from 'tap'
import { SignatureInvalidError, TokenExpiredError } from '../../src/verifier/errors.js'
import { entryBytes, TokenCache } from '../../src/verifier/token-cache.js'
import { rejectsWith } from '../helpers/assert.js'
import { issuerFixture } from '../helpers/verifier-fixture.js'
import { makeKey, NOW_S } from '../helpers/keys.js'

const key = await makeKey('RS256', 'key-a')
/** The tests of what the cache does with an entry let every token in on its first use. */
const FIRST_USE = { tokenCacheAdmission: 'first-use' } as const

/** The token with one character of its signature changed, still canonical base64url. */
function flipSignature (token: string): string {
  const [h, p, sig] = token.split('.') as [string, string, string]
  const i = Math.floor(sig.length / 2)
  return `${h}.${p}.${sig.slice(0, i)}${sig[i] === 'A' ? 'B' : 'A'}${sig.slice(i + 1)}`
}

/** The token with its header or payload re-encoded with one member changed, signature kept. */
function swapPart (token: string, part: 0 | 1, change: Record<string, unknown>): string {
  const parts = token.split('.')
  const decoded = JSON.parse(Buffer.from(parts[part] as string, 'base64url').toString('utf8')) as Record<string, unknown>
  parts[part] = Buffer.from(JSON.stringify({ ...decoded, ...change })).toString('base64url')
  return parts.join('.')
}

t.test('returns the same frozen object for a repeated token, without a second signature check', async (t) => {
  const f = await issuerFixture(t, { key, options: FIRST_USE })
  const token = await f.token()
  const first = await f.verifier.verify(token)
  t.ok(Object.isFrozen(first))
  t.equal(await f.verifier.verify(token), first, 'the very same object')
  t.equal(f.verifier.cachedTokenCount, 1)
  t.equal(f.verifier.jwksFetchCount, 1)
})

t.test('never hits for a token that differs by one byte', async (t) => {
  const f = await issuerFixture(t, { key, options: FIRST_USE })
  const token = await f.token()
  await f.verifier.verify(token)
  for (const [label, changed] of [
    ['signature', flipSignature(token)],
    ['payload', swapPart(token, 1, { jti: 'another' })],
    ['header', swapPart(token, 0, { typ: 'JWT' })]
  ] as const) {
    t.not(changed, token)
    await rejectsWith(t, f.verifier.verify(changed), SignatureInvalidError, 'ERR_SIGNATURE_INVALID', `${label} changed`)
  }
  t.equal(f.verifier.cachedTokenCount, 1, 'nothing new was cached')
  t.ok(await f.verifier.verify(token), 'the original still verifies')
})

t.test('never lets a cached token outlive its exp', async (t) => {
  const f = await issuerFixture(t, { key, options: { ...FIRST_USE, clockToleranceSeconds: 5 } })
  const token = await f.token({ exp: NOW_S + 60 })
  const first = await f.verifier.verify(token)
  f.clock.set((NOW_S + 60 + 5) * 1000 - 1)
  t.equal(await f.verifier.verify(token), first, 'a millisecond before exp + tolerance it is still served')
  f.clock.advance(1)
  await rejectsWith(t, f.verifier.verify(token), TokenExpiredError, 'ERR_TOKEN_EXPIRED', 'cached, but expired')
  t.equal(f.verifier.cachedTokenCount, 0, 'and dropped from the cache')
  await rejectsWith(t, f.verifier.verify(token), TokenExpiredError, 'ERR_TOKEN_EXPIRED', 'and still expired when verified afresh')
})

t.test('holds at most tokenCacheMaxEntries tokens, dropping the least recently used', async (t) => {
  const f = await issuerFixture(t, { key, options: { ...FIRST_USE, tokenCacheMaxEntries: 3 } })
  const tokens = await Promise.all([1, 2, 3, 4, 5].map(async (i) => await f.token({ jti: `jti-${i}` })))
  const verified = []
  for (const token of tokens) verified.push(await f.verifier.verify(token))
  t.equal(f.verifier.cachedTokenCount, 3)
  t.equal(await f.verifier.verify(tokens[4] as string), verified[4], 'the newest is cached')
  t.not(await f.verifier.verify(tokens[0] as string), verified[0], 'the oldest was evicted and verified afresh')
  t.equal(f.verifier.cachedTokenCount, 3)
})

t.test('turns the cache off with tokenCacheMaxEntries 0', async (t) => {
  const f = await issuerFixture(t, { key, options: { ...FIRST_USE, tokenCacheMaxEntries: 0 } })
  const token = await f.token()
  const first = await f.verifier.verify(token)
  const second = await f.verifier.verify(token)
  t.not(second, first, 'verified afresh each time')
  t.same(second.claims, first.claims)
  t.equal(f.verifier.cachedTokenCount, 0)
})

t.test('remembers a value for its time to live only, and never for none', async (t) => {
  const cache = new TokenCache<{ n: number }>({ maxEntries: 2, maxBytes: 1_000_000, admission: 'first-use' })
  const value = { n: 1 }
  cache.set('a', value, 60_000)
  t.equal(cache.get('a'), value)
  cache.set('b', { n: 2 }, 0)
  cache.set('c', { n: 3 }, -5)
  t.equal(cache.get('b'), undefined, 'a zero time to live is not stored')
  t.equal(cache.get('c'), undefined, 'a negative time to live is not stored')
  t.equal(cache.size, 1)
  cache.delete('a')
  t.equal(cache.get('a'), undefined)
  t.equal(cache.size, 0)

  const short = new TokenCache<{ n: number }>({ maxEntries: 2, maxBytes: 1_000_000, admission: 'first-use' })
  short.set('x', value, 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(short.get('x'), undefined, 'an entry past its time to live is gone')
})

t.test('remembers nothing when disabled', async (t) => {
  const cache = new TokenCache<{ n: number }>({ maxEntries: 0, maxBytes: 1_000_000, admission: 'first-use' })
  cache.set('a', { n: 1 }, 60_000)
  t.equal(cache.get('a'), undefined)
  cache.delete('a')
  t.equal(cache.size, 0)
})

t.test('a token that shares only the signature never hits, and deleting it leaves the real one', async (t) => {
  const cache = new TokenCache<{ n: number }>({ maxEntries: 10, maxBytes: 1_000_000, admission: 'first-use' })
  const value = { n: 1 }
  cache.set('header.payload.signature', value, 60_000)
  t.equal(cache.get('header.payload.signature'), value)
  t.equal(cache.get('header.forged.signature'), undefined)
  cache.delete('header.forged.signature')
  t.equal(cache.get('header.payload.signature'), value)
})

t.test('holds at most tokenCacheMaxBytes of tokens, as estimated from their length', async (t) => {
  const f = await issuerFixture(t, { key, options: FIRST_USE })
  const tokens = await Promise.all([1, 2, 3, 4, 5].map(async (i) => await f.token({ jti: `jti-${i}` })))
  const each = entryBytes(tokens[0] as string)
  const small = f.makeVerifier({ ...FIRST_USE, tokenCacheMaxBytes: 3 * each + 2 })
  const verified = []
  for (const token of tokens) verified.push(await small.verify(token))
  t.equal(small.cachedTokenCount, 3, 'three fit, a fourth would pass the bound')
  t.ok(small.cachedTokenBytes <= 3 * each + 2)
  t.equal(await small.verify(tokens[4] as string), verified[4], 'the newest is cached')
  t.not(await small.verify(tokens[0] as string), verified[0], 'the oldest was evicted and verified afresh')
  const none = f.makeVerifier({ ...FIRST_USE, tokenCacheMaxBytes: 0 })
  await none.verify(tokens[0] as string)
  t.equal(none.cachedTokenCount, 0, 'tokenCacheMaxBytes 0 turns the cache off')
  t.equal(none.cachedTokenBytes, 0)
})

t.test('estimates an entry from the token length, so a longer token costs more', async (t) => {
  t.equal(entryBytes('a'.repeat(800)), 2300, 'a Cognito-sized access token')
  t.ok(entryBytes('a'.repeat(4000)) > 4 * entryBytes('a'.repeat(800)) / 2)
  const cache = new TokenCache<{ n: number }>({ maxEntries: 100, maxBytes: entryBytes('h.p.s') * 2, admission: 'first-use' })
  cache.set('h.p.s', { n: 1 }, 60_000)
  cache.set('h.p.t', { n: 2 }, 60_000)
  t.equal(cache.bytes, 2 * entryBytes('h.p.s'))
  cache.set('h.p.u', { n: 3 }, 60_000)
  t.equal(cache.size, 2, 'the third pushes the first out')
  t.equal(cache.get('h.p.s'), undefined)
  cache.set(`h.p.${'x'.repeat(10_000)}`, { n: 4 }, 60_000)
  t.equal(cache.size, 2, 'an entry larger than the whole bound is not stored')
})

t.test('by default caches a token on its second use, so a token used once never enters', async (t) => {
  const f = await issuerFixture(t, { key })
  const token = await f.token()
  const first = await f.verifier.verify(token)
  t.equal(f.verifier.cachedTokenCount, 0, 'the first use only notes the token')
  const second = await f.verifier.verify(token)
  t.not(second, first, 'the second use is verified afresh')
  t.equal(f.verifier.cachedTokenCount, 1, 'and cached')
  t.equal(await f.verifier.verify(token), second, 'the third is served from the cache')
  t.equal(f.verifier.options.tokenCacheAdmission, 'second-use')
})

t.test('a flow of tokens each used once leaves the cache empty', async (t) => {
  const f = await issuerFixture(t, { key })
  for (let i = 0; i < 20; i++) await f.verifier.verify(await f.token({ jti: `once-${i}` }))
  t.equal(f.verifier.cachedTokenCount, 0)
  t.equal(f.verifier.cachedTokenBytes, 0)
})

t.test('forgets a token seen once after about the cache\'s capacity of other tokens', async (t) => {
  // 64 entries: the doorkeeper remembers 64 tokens seen once.
  const cache = new TokenCache<{ n: number }>({ maxEntries: 64, maxBytes: 1_000_000 })
  const token = (i: number): string => `h.p.signature-${String(i).padStart(8, '0')}A`
  cache.set(token(0), { n: 0 }, 60_000)
  cache.set(token(0), { n: 0 }, 60_000)
  t.equal(cache.size, 1, 'used twice in a row: cached')
  cache.set(token(1), { n: 1 }, 60_000)
  for (let i = 2; i < 2000; i++) cache.set(token(i), { n: i }, 60_000)
  cache.set(token(1), { n: 1 }, 60_000)
  t.equal(cache.get(token(1)), undefined, 'its second use came after 2,000 others: noted again, not cached')
  t.equal(cache.size, 1)
})

t.test('a token used again after a few others is cached', async (t) => {
  const cache = new TokenCache<{ n: number }>({ maxEntries: 64, maxBytes: 1_000_000 })
  // Tokens that differ in the eight characters before the last, which the fingerprint reads.
  const token = (i: number): string => `h.p.signature-${String(i).padStart(8, '0')}A`
  cache.set(token(0), { n: 0 }, 60_000)
  for (let i = 1; i <= 3; i++) cache.set(token(i), { n: i }, 60_000)
  cache.set(token(0), { n: 0 }, 60_000)
  t.same(cache.get(token(0)), { n: 0 })
  t.equal(cache.size, 1, 'the three others were used once: noted, not cached')
})

t.test('a token shorter than the fingerprint\'s eight characters is fingerprinted whole', async (t) => {
  const cache = new TokenCache<{ n: number }>({ maxEntries: 10, maxBytes: 1_000_000 })
  cache.set('a.b.c', { n: 1 }, 60_000)
  t.equal(cache.size, 0)
  cache.set('a.b.c', { n: 1 }, 60_000)
  t.equal(cache.size, 1)
})

t.test('tokens that share the end of their signature never answer for each other', async (t) => {
  const cache = new TokenCache<{ n: number }>({ maxEntries: 10, maxBytes: 1_000_000, admission: 'first-use' })
  const tail = 'x'.repeat(40)
  const real = { n: 1 }
  cache.set(`h.p.AAAA${tail}`, real, 60_000)
  t.equal(cache.get(`h.p.BBBB${tail}`), undefined, 'same last 24 characters, another token')
  cache.delete(`h.p.BBBB${tail}`)
  t.equal(cache.get(`h.p.AAAA${tail}`), real, 'and deleting the other leaves this one')
})
