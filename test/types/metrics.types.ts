// Compile-only type tests for the diagnostics and metrics API: `npm run typecheck` fails if they drift. Never executed.
import { subscribe } from 'node:diagnostics_channel'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import { JWKS_FETCH_CHANNEL, VERIFY_CHANNEL, VerifierCounters, type JwksFetchMessage, type JwksFetchOutcome, type VerifierCountersSnapshot, type VerifyMessage } from '../../src/index.js'
import { collectPrometheusMetrics, resourceServerMetrics, type MetricsPluginOptions } from '../../src/metrics/index.js'

subscribe(VERIFY_CHANNEL, (message) => {
  const m = message as VerifyMessage
  if (m.outcome === 'refused') {
    const code: string = m.code
    const kind: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'unavailable' = m.kind
    void code
    void kind
  }
  // @ts-expect-error an acceptance has no code
  void m.code
})
subscribe(JWKS_FETCH_CHANNEL, (message) => {
  const m = message as JwksFetchMessage
  const outcome: JwksFetchOutcome = m.outcome
  const status: number | null = m.status
  void [outcome, status, m.durationMs, m.keys]
})

const snapshot: VerifierCountersSnapshot = new VerifierCounters().snapshot()
const expired: number | undefined = snapshot.refused.ERR_TOKEN_EXPIRED
const ok: number = snapshot.jwksFetches.ok
// @ts-expect-error a snapshot is read-only
snapshot.accepted = 1
void [expired, ok]

const app = Fastify()
const options: MetricsPluginOptions = { path: '/metrics', auth: { scopes: ['metrics/read'] }, registry: new Registry(), prefix: 'rs_', jwksFetchBuckets: [0.1, 1] }
void app.register(resourceServerMetrics, options)
void app.register(resourceServerMetrics, { auth: false, path: false })
const metrics = collectPrometheusMetrics()
void metrics.registry.metrics()
metrics.close()
