/**
 * Prometheus metrics for fastify-resource-server (needs the optional peer dependency
 * `prom-client`). The main entry never imports this, so applications without metrics need not
 * install prom-client.
 *
 * @example
 * ```ts
 * import { resourceServerMetrics } from 'fastify-resource-server/metrics'
 * await app.register(resourceServerMetrics, { auth: { scopes: ['metrics/read'] } })
 * ```
 */
export { resourceServerMetrics, type MetricsPluginOptions } from './prometheus.js'
export { collectPrometheusMetrics, MAX_CODES, type PrometheusMetrics, type PrometheusMetricsOptions } from './collector.js'
