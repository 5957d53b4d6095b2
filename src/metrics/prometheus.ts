/**
 * The `/metrics` route: the package's metrics (and anything else in the registry) in Prometheus
 * text, for a scraper. Subscribes when registered, unsubscribes when the server closes.
 *
 * The route is not made public here: beside the resource-server plugin it needs a valid token
 * like any other route, unless `auth` says otherwise. Refusal counts tell an attacker which of
 * their attempts come closest, and Prometheus can fetch a token itself (a scrape config's
 * `oauth2` block, client_credentials), so the safe default costs a scraper one setting.
 */
import type { FastifyContextConfig, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { RouteAuthOptions } from '../fastify/route-config.js'
import { OptionError } from '../verifier/errors.js'
import { collectPrometheusMetrics, type PrometheusMetricsOptions } from './collector.js'

/** The metrics plugin's options: the collector's, and the route's. */
export interface MetricsPluginOptions extends PrometheusMetricsOptions {
  /** Where the metrics are served. `false` adds no route (serve `registry.metrics()` yourself). Default `'/metrics'`. */
  path?: string | false
  /**
   * The route's `config.auth`, read by the resource-server plugin when it is registered in the
   * same context: `{ scopes: ['metrics/read'] }`, or `false` for a public route (keep the port
   * private then). Default: none given, so the context's rule applies (a valid token beside the
   * resource-server plugin).
   */
  auth?: RouteAuthOptions | false
}

async function metricsPlugin (fastify: FastifyInstance, options: MetricsPluginOptions): Promise<void> {
  const path = options.path ?? '/metrics'
  if (path !== false && (typeof path !== 'string' || !path.startsWith('/'))) throw new OptionError('path', `must be a path starting with "/" or false (got ${JSON.stringify(path)})`)
  const metrics = collectPrometheusMetrics(options)
  fastify.addHook('onClose', async () => { metrics.close() })
  if (path === false) return
  const config: FastifyContextConfig = options.auth === undefined ? {} : { auth: options.auth }
  fastify.get(path, { config }, async (_request, reply) => {
    return await reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}

/**
 * Serves Prometheus metrics fed by the package's diagnostics channels. Needs `prom-client`
 * (an optional peer dependency: install it beside this package).
 *
 * @example
 * ```ts
 * import resourceServer from 'fastify-resource-server'
 * import { resourceServerMetrics } from 'fastify-resource-server/metrics'
 *
 * await app.register(resourceServer, { userPoolId: 'eu-west-1_AbC123', clientId: 'my-client-id' })
 * await app.register(resourceServerMetrics, { auth: { scopes: ['metrics/read'] } })
 * ```
 */
export const resourceServerMetrics = fp(metricsPlugin, { fastify: '5.x', name: 'fastify-resource-server-metrics' })
