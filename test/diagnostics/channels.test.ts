import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel'
import t from 'tap'
import {
  JWKS_FETCH_CHANNEL, JWKS_FETCH_OUTCOMES, publishAccepted, publishJwksFetch, publishRefused, publishTokenCache,
  TOKEN_CACHE_CHANNEL, VERIFY_CHANNEL
} from '../../src/diagnostics/channels.js'

/** Collects what `name` carries while `run` runs, then unsubscribes. */
function capture (name: string, run: () => void): unknown[] {
  const seen: unknown[] = []
  const listener = (message: unknown): void => { seen.push(message) }
  subscribe(name, listener)
  try {
    run()
  } finally {
    unsubscribe(name, listener)
  }
  return seen
}

t.test('names the channels after the package, one per event', async (t) => {
  t.equal(VERIFY_CHANNEL, 'fastify-resource-server:verify')
  t.equal(JWKS_FETCH_CHANNEL, 'fastify-resource-server:jwks-fetch')
  t.equal(TOKEN_CACHE_CHANNEL, 'fastify-resource-server:token-cache')
  t.same(JWKS_FETCH_OUTCOMES, ['ok', 'http_status', 'timeout', 'unreachable', 'too_large', 'invalid', 'error'])
  t.ok(Object.isFrozen(JWKS_FETCH_OUTCOMES))
})

t.test('publishes an acceptance as the outcome alone, the same frozen object every time', async (t) => {
  const seen = capture(VERIFY_CHANNEL, () => { publishAccepted(); publishAccepted() })
  t.same(seen, [{ outcome: 'accepted' }, { outcome: 'accepted' }])
  t.equal(seen[0], seen[1], 'nothing is allocated per publish')
  t.ok(Object.isFrozen(seen[0]))
})

t.test('publishes a refusal with its code and kind, and nothing else', async (t) => {
  const seen = capture(VERIFY_CHANNEL, () => { publishRefused('ERR_TOKEN_EXPIRED', 'invalid_token') })
  t.same(seen, [{ outcome: 'refused', code: 'ERR_TOKEN_EXPIRED', kind: 'invalid_token' }])
  t.same(Object.keys(seen[0] as object), ['outcome', 'code', 'kind'])
})

t.test('publishes a JWKS download with its outcome, status, duration and key count', async (t) => {
  const seen = capture(JWKS_FETCH_CHANNEL, () => {
    publishJwksFetch('ok', 200, 12.5, 2)
    publishJwksFetch('timeout', null, 5000, 0)
  })
  t.same(seen, [
    { outcome: 'ok', status: 200, durationMs: 12.5, keys: 2 },
    { outcome: 'timeout', status: null, durationMs: 5000, keys: 0 }
  ])
})

t.test('publishes token-cache hits and misses as two shared frozen messages', async (t) => {
  const seen = capture(TOKEN_CACHE_CHANNEL, () => { publishTokenCache(true); publishTokenCache(false); publishTokenCache(true) })
  t.same(seen, [{ outcome: 'hit' }, { outcome: 'miss' }, { outcome: 'hit' }])
  t.equal(seen[0], seen[2])
  t.ok(Object.isFrozen(seen[1]))
})

t.test('builds no message when nobody subscribes', async (t) => {
  // Another channel's subscriber must not wake these up.
  const seen = capture('fastify-resource-server:unrelated', () => {
    for (const name of [VERIFY_CHANNEL, JWKS_FETCH_CHANNEL, TOKEN_CACHE_CHANNEL]) t.notOk(channel(name).hasSubscribers, `${name} has no subscriber`)
    publishAccepted()
    publishRefused('ERR_TOKEN_EXPIRED', 'invalid_token')
    publishJwksFetch('ok', 200, 1, 1)
    publishTokenCache(true)
  })
  t.same(seen, [])
})
