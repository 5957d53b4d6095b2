import t from 'tap'
import * as api from '../../src/index.js'
import * as metrics from '../../src/metrics/index.js'

t.test('exports the channel names, their outcomes and the counters from the main entry', async (t) => {
  for (const name of ['VERIFY_CHANNEL', 'JWKS_FETCH_CHANNEL', 'TOKEN_CACHE_CHANNEL', 'JWKS_FETCH_OUTCOMES', 'VerifierCounters']) t.ok(name in api, `${name} is exported`)
})

t.test('keeps publishing to the package, and prom-client out of the main entry', async (t) => {
  for (const name of ['publishAccepted', 'publishRefused', 'publishJwksFetch', 'publishTokenCache', 'observeJwksFetch', 'classifyJwksFetchError', 'resourceServerMetrics', 'collectPrometheusMetrics']) {
    t.notOk(name in api, `${name} is not exported`)
  }
})

t.test('exports the Prometheus plugin and collector from fastify-resource-server/metrics', async (t) => {
  t.equal(typeof metrics.resourceServerMetrics, 'function')
  t.equal(typeof metrics.collectPrometheusMetrics, 'function')
  t.equal(metrics.MAX_CODES, 64)
})
