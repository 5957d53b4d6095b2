import t from 'tap'
import { gatewayFixture } from '../helpers/gateway-fixture.js'

/** The value of the sample named exactly `series` in Prometheus text, 0 when absent. */
function sample (text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}

t.test('/metrics counts refusals by code, acceptances, JWKS fetches and cache lookups', async (t) => {
  const s = await gatewayFixture(t, { metrics: { auth: false } })
  const token = await s.token({ scope: 'transactions/get' })
  t.equal((await s.call('GET', '/transactions')).status, 401)
  t.equal((await s.call('GET', '/transactions', 'not-a-token')).status, 401)
  t.equal((await s.call('GET', '/transactions', token)).status, 200)
  t.equal((await s.call('GET', '/transactions', token)).status, 200)
  t.equal((await s.call('POST', '/transactions', token, { 'content-type': 'application/json' }, '{}')).status, 403)
  const res = await s.call('GET', '/metrics')
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/plain/)
  const text = await res.text()
  t.equal(sample(text, 'resource_server_auth_decisions_total{outcome="refused",code="ERR_CREDENTIALS_MISSING"}'), 1)
  t.equal(sample(text, 'resource_server_auth_decisions_total{outcome="refused",code="ERR_TOKEN_MALFORMED"}'), 1)
  t.equal(sample(text, 'resource_server_auth_decisions_total{outcome="refused",code="ERR_INSUFFICIENT_SCOPE"}'), 1)
  t.equal(sample(text, 'resource_server_auth_decisions_total{outcome="accepted"}'), 3, 'the POST was accepted, then lacked its scope')
  t.equal(sample(text, 'resource_server_jwks_fetches_total{outcome="ok",status="200"}'), 1)
  t.equal(sample(text, 'resource_server_token_cache_lookups_total{outcome="miss"}'), 3, 'the good token\'s first two uses (it is cached on its second) and the malformed one')
  t.equal(sample(text, 'resource_server_token_cache_lookups_total{outcome="hit"}'), 1)
  t.notMatch(text, token.split('.')[2] as string, 'no token in the metrics')
})

t.test('/metrics needs a token unless the configuration makes it public', async (t) => {
  const s = await gatewayFixture(t, { metrics: { path: '/ops/metrics', auth: { scopes: ['metrics/read'] } } })
  t.equal((await s.call('GET', '/ops/metrics')).status, 401)
  t.equal((await s.call('GET', '/ops/metrics', await s.token({ scope: 'transactions/get' }))).status, 403)
  t.equal((await s.call('GET', '/ops/metrics', await s.token({ scope: 'metrics/read' }))).status, 200)
})
