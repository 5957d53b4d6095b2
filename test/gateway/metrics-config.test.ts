import t from 'tap'
import { resolveGatewayConfig } from '../../src/gateway/config.js'
import { resolveMetricsConfig } from '../../src/gateway/metrics-config.js'

const prefixes = new Set(['/transactions'])

t.test('no metrics section, no metrics route', async (t) => {
  t.equal(resolveMetricsConfig(undefined, prefixes), undefined)
})

t.test('serves /metrics behind a token by default', async (t) => {
  t.same(resolveMetricsConfig({}, prefixes), { path: '/metrics', auth: undefined })
  t.same(resolveMetricsConfig({ path: '/ops/metrics', auth: { scopes: ['metrics/read'] } }, prefixes), { path: '/ops/metrics', auth: { scopes: ['metrics/read'] } })
  t.same(resolveMetricsConfig({ auth: false }, prefixes), { path: '/metrics', auth: false })
})

t.test('refuses a bad section with a TypeError naming the field and the value', async (t) => {
  const bad: Array<[unknown, string, RegExp]> = [
    [true, 'metrics', /got true/],
    [[], 'metrics', /must be an object/],
    [{ port: 9100 }, 'metrics.port', /not a metrics option/],
    [{ path: 'metrics' }, 'metrics.path', /got "metrics"/],
    [{ path: '/transactions/metrics' }, 'metrics.path', /route prefix \/transactions/],
    [{ path: '/transactions' }, 'metrics.path', /route prefix/],
    [{ auth: { scopes: ['bad scope'] } }, 'metrics.auth.scopes', /scope/],
    [{ auth: 'public' }, 'metrics.auth', /must be false/]
  ]
  for (const [value, option, message] of bad) {
    t.throws(() => resolveMetricsConfig(value, prefixes), { name: 'TypeError', code: 'ERR_INVALID_OPTION', option, message }, JSON.stringify(value))
  }
})

t.test('is part of the gateway configuration', async (t) => {
  const routes = [{ prefix: '/transactions', upstream: 'http://127.0.0.1:9001', methods: { GET: ['transactions/get'] } }]
  t.equal(resolveGatewayConfig({ routes }).metrics, undefined)
  t.same(resolveGatewayConfig({ routes, metrics: { auth: false } }).metrics, { path: '/metrics', auth: false })
  t.throws(() => resolveGatewayConfig({ routes, metrics: { path: '/transactions/m' } }), { name: 'TypeError', option: 'metrics.path' })
})
