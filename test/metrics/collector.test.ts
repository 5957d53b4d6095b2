import { channel } from 'node:diagnostics_channel'
import { Registry } from 'prom-client'
import t, { type Test } from 'tap'
import { JWKS_FETCH_CHANNEL, publishAccepted, publishJwksFetch, publishRefused, publishTokenCache, TOKEN_CACHE_CHANNEL, VERIFY_CHANNEL } from '../../src/diagnostics/channels.js'
import { collectPrometheusMetrics, MAX_CODES, type PrometheusMetrics, type PrometheusMetricsOptions } from '../../src/metrics/collector.js'

function collector (t: Test, options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const metrics = collectPrometheusMetrics({ registry: new Registry(), ...options })
  t.teardown(metrics.close)
  return metrics
}

/** The value of one sample line, `name{labels} value`, or undefined when absent. */
async function sample (metrics: PrometheusMetrics, line: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics()
  const found = text.split('\n').find((l) => l.startsWith(`${line} `))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

t.test('counts refusals by code and acceptances', async (t) => {
  const m = collector(t)
  publishAccepted()
  publishAccepted()
  publishRefused('ERR_TOKEN_EXPIRED', 'invalid_token')
  publishRefused('ERR_TOKEN_EXPIRED', 'invalid_token')
  publishRefused('ERR_INSUFFICIENT_SCOPE', 'insufficient_scope')
  t.equal(await sample(m, 'resource_server_auth_decisions_total{outcome="accepted"}'), 2)
  t.equal(await sample(m, 'resource_server_auth_decisions_total{outcome="refused",code="ERR_TOKEN_EXPIRED"}'), 2)
  t.equal(await sample(m, 'resource_server_auth_decisions_total{outcome="refused",code="ERR_INSUFFICIENT_SCOPE"}'), 1)
})

t.test('counts JWKS downloads by outcome and status, and times them in seconds', async (t) => {
  const m = collector(t, { jwksFetchBuckets: [0.01, 0.1, 1] })
  publishJwksFetch('ok', 200, 5, 2)
  publishJwksFetch('http_status', 503, 50, 0)
  publishJwksFetch('timeout', null, 5000, 0)
  t.equal(await sample(m, 'resource_server_jwks_fetches_total{outcome="ok",status="200"}'), 1)
  t.equal(await sample(m, 'resource_server_jwks_fetches_total{outcome="http_status",status="503"}'), 1)
  t.equal(await sample(m, 'resource_server_jwks_fetches_total{outcome="timeout"}'), 1)
  t.equal(await sample(m, 'resource_server_jwks_fetch_duration_seconds_bucket{le="0.01",outcome="ok"}'), 1)
  t.equal(await sample(m, 'resource_server_jwks_fetch_duration_seconds_bucket{le="0.01",outcome="http_status"}'), 0)
  t.equal(await sample(m, 'resource_server_jwks_fetch_duration_seconds_bucket{le="0.1",outcome="http_status"}'), 1)
  t.equal(await sample(m, 'resource_server_jwks_fetch_duration_seconds_sum{outcome="timeout"}'), 5)
})

t.test('counts token-cache hits and misses', async (t) => {
  const m = collector(t)
  publishTokenCache(true)
  publishTokenCache(true)
  publishTokenCache(false)
  t.equal(await sample(m, 'resource_server_token_cache_lookups_total{outcome="hit"}'), 2)
  t.equal(await sample(m, 'resource_server_token_cache_lookups_total{outcome="miss"}'), 1)
})

t.test('keeps labels bounded whatever is published on the channels', async (t) => {
  const m = collector(t)
  const verify = channel(VERIFY_CHANNEL)
  const jwks = channel(JWKS_FETCH_CHANNEL)
  const cache = channel(TOKEN_CACHE_CHANNEL)
  for (let i = 0; i < MAX_CODES + 10; i++) publishRefused(`ERR_CUSTOM_${i}`, 'invalid_token')
  publishRefused('eyJhbGciOiJSUzI1NiJ9.a.b', 'invalid_token')
  verify.publish({ outcome: 'refused', code: 42 })
  verify.publish({ outcome: 'something-else', code: 'ERR_TOKEN_EXPIRED' })
  verify.publish('not an object')
  verify.publish(null)
  jwks.publish({ outcome: 'https://evil.example/' + 'x'.repeat(100), status: 'abc', durationMs: -1 })
  jwks.publish({ outcome: 'ok', status: 99999, durationMs: Number.NaN })
  cache.publish({ outcome: 'maybe' })
  const text = await m.registry.metrics()
  const codes = new Set([...text.matchAll(/code="([^"]*)"/g)].map((match) => match[1]))
  t.equal(codes.size, MAX_CODES + 1, 'the first codes one by one, then OTHER')
  t.ok(codes.has('OTHER'))
  t.notOk(codes.has('ERR_CUSTOM_' + String(MAX_CODES)), 'a code past the limit has no label of its own')
  t.equal(await sample(m, 'resource_server_auth_decisions_total{outcome="refused",code="OTHER"}'), 10 + 2, 'overflow, a token-like code and a number')
  t.notMatch(text, /eyJ|evil|something-else|maybe/)
  t.equal(await sample(m, 'resource_server_jwks_fetches_total{outcome="error"}'), 1, 'an unknown outcome is an error, without a status')
  t.equal(await sample(m, 'resource_server_jwks_fetches_total{outcome="ok"}'), 1, 'a status out of range is left out')
  t.equal(await sample(m, 'resource_server_jwks_fetch_duration_seconds_count{outcome="ok"}'), undefined, 'no duration, no observation')
})

t.test('joins prom-client\'s global registry by default, under another prefix if asked', async (t) => {
  const { register } = await import('prom-client')
  const m = collectPrometheusMetrics({ prefix: 'rs_' })
  t.teardown(m.close)
  t.equal(m.registry, register)
  publishAccepted()
  t.match(await register.metrics(), /rs_auth_decisions_total\{outcome="accepted"\} 1/)
})

t.test('unsubscribes and unregisters on close, and a second close does nothing', async (t) => {
  const registry = new Registry()
  const m = collectPrometheusMetrics({ registry })
  t.ok(channel(VERIFY_CHANNEL).hasSubscribers)
  m.close()
  m.close()
  for (const name of [VERIFY_CHANNEL, JWKS_FETCH_CHANNEL, TOKEN_CACHE_CHANNEL]) t.notOk(channel(name).hasSubscribers, `${name} is left alone`)
  t.equal((await registry.metrics()).trim(), '')
  const again = collectPrometheusMetrics({ registry })
  t.teardown(again.close)
  t.pass('the same registry takes a new collector')
})

t.test('refuses bad options at once, naming the option', async (t) => {
  const registry = new Registry()
  const bad: Array<[PrometheusMetricsOptions, string]> = [
    [{ registry: {} as Registry }, 'registry'],
    [{ registry: null as unknown as Registry }, 'registry'],
    [{ registry, prefix: 'has space' }, 'prefix'],
    [{ registry, prefix: 7 as unknown as string }, 'prefix'],
    [{ registry, jwksFetchBuckets: [] }, 'jwksFetchBuckets'],
    [{ registry, jwksFetchBuckets: [1, 0.5] }, 'jwksFetchBuckets'],
    [{ registry, jwksFetchBuckets: [0, 1] }, 'jwksFetchBuckets'],
    [{ registry, jwksFetchBuckets: [Number.POSITIVE_INFINITY] }, 'jwksFetchBuckets'],
    [{ registry, jwksFetchBuckets: 'fast' as unknown as number[] }, 'jwksFetchBuckets']
  ]
  for (const [options, option] of bad) {
    t.throws(() => collectPrometheusMetrics(options), { name: 'TypeError', code: 'ERR_INVALID_OPTION', option }, option)
  }
  const first = collectPrometheusMetrics({ registry })
  t.teardown(first.close)
  t.throws(() => collectPrometheusMetrics({ registry }), { code: 'ERR_INVALID_OPTION', option: 'registry', message: /resource_server_auth_decisions_total/ }, 'one registry, one collector per prefix')
  const other = collectPrometheusMetrics({ registry, prefix: 'other_' })
  t.teardown(other.close)
  t.pass('another prefix fits beside it')
})
