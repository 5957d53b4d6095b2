import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import t from 'tap'
import { JWKS_FETCH_CHANNEL, TOKEN_CACHE_CHANNEL, VERIFY_CHANNEL } from '../../src/diagnostics/channels.js'
import { VerifierCounters } from '../../src/diagnostics/counters.js'
import { InsufficientScopeError, JwksUnavailableError, TokenExpiredError } from '../../src/verifier/errors.js'

t.test('starts at zero, with every JWKS outcome present', async (t) => {
  t.same(new VerifierCounters().snapshot(), {
    accepted: 0,
    refused: {},
    jwksFetches: { ok: 0, http_status: 0, timeout: 0, unreachable: 0, too_large: 0, invalid: 0, error: 0 },
    tokenCache: { hits: 0, misses: 0 }
  })
})

t.test('counts acceptances, refusals by code, cache lookups and JWKS downloads by outcome', async (t) => {
  const c = new VerifierCounters()
  c.accepted()
  c.accepted()
  c.refused(new TokenExpiredError('The token has expired.'))
  c.refused(new TokenExpiredError('The token has expired.'))
  c.refused(new InsufficientScopeError(['a'], 'The token lacks a scope.'))
  c.refused(new JwksUnavailableError('down', 1000))
  c.tokenCache(true)
  c.tokenCache(true)
  c.tokenCache(false)
  c.jwksFetched('ok', 200, 3, 2)
  c.jwksFetched('http_status', 503, 3, 0)
  c.jwksFetched('http_status', 500, 3, 0)
  const s = c.snapshot()
  t.equal(s.accepted, 2)
  t.same(s.refused, { ERR_TOKEN_EXPIRED: 2, ERR_INSUFFICIENT_SCOPE: 1, ERR_JWKS_UNAVAILABLE: 1 })
  t.same(s.tokenCache, { hits: 2, misses: 1 })
  t.equal(s.jwksFetches.ok, 1)
  t.equal(s.jwksFetches.http_status, 2)
  t.equal(s.jwksFetches.timeout, 0)
})

t.test('gives a frozen snapshot that later counts do not change', async (t) => {
  const c = new VerifierCounters()
  c.refused({ code: 'ERR_TOKEN_MALFORMED', kind: 'invalid_token' })
  const before = c.snapshot()
  c.refused({ code: 'ERR_TOKEN_MALFORMED', kind: 'invalid_token' })
  c.accepted()
  t.same(before.refused, { ERR_TOKEN_MALFORMED: 1 })
  t.equal(before.accepted, 0)
  for (const part of [before, before.refused, before.jwksFetches, before.tokenCache]) t.ok(Object.isFrozen(part))
  t.equal(c.snapshot().refused.ERR_TOKEN_MALFORMED, 2)
})

t.test('publishes each record on its channel, never the error message', async (t) => {
  const seen: Array<[string, unknown]> = []
  const listeners = [VERIFY_CHANNEL, JWKS_FETCH_CHANNEL, TOKEN_CACHE_CHANNEL].map((name) => {
    const listener = (message: unknown): void => { seen.push([name, message]) }
    subscribe(name, listener)
    return [name, listener] as const
  })
  t.teardown(() => { for (const [name, listener] of listeners) unsubscribe(name, listener) })
  const c = new VerifierCounters()
  c.accepted()
  c.refused(new TokenExpiredError('secret-looking message'))
  c.tokenCache(false)
  c.jwksFetched('timeout', null, 100, 0)
  t.same(seen, [
    [VERIFY_CHANNEL, { outcome: 'accepted' }],
    [VERIFY_CHANNEL, { outcome: 'refused', code: 'ERR_TOKEN_EXPIRED', kind: 'invalid_token' }],
    [TOKEN_CACHE_CHANNEL, { outcome: 'miss' }],
    [JWKS_FETCH_CHANNEL, { outcome: 'timeout', status: null, durationMs: 100, keys: 0 }]
  ])
  t.notMatch(JSON.stringify(seen), /secret-looking/)
})
