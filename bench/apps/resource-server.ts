// Rows 2, 3, 9, 10, 11: this package's plugin, configured as its README does, keys on loopback;
// `metrics: true` adds the Prometheus plugin beside it (the metrics-on row).
import { Registry } from 'prom-client'
import { fastifyResourceServer } from '../../src/index.js'
import { resourceServerMetrics } from '../../src/metrics/index.js'
import { CLIENT_ID, ISSUER } from '../identity.js'
import { benchFastify, type AppBuilder } from './app.js'

export const resourceServer: AppBuilder = async ({ jwksUri, options }) => {
  const app = benchFastify()
  const { metrics, ...verifierOptions } = options
  await app.register(fastifyResourceServer, { issuer: { issuer: ISSUER, jwksUri }, clientId: CLIENT_ID, ...verifierOptions })
  if (metrics === true) await app.register(resourceServerMetrics, { registry: new Registry(), auth: false })
  return {
    app,
    stats: () => ({
      jwksFetchCount: app.tokenVerifier.jwksFetchCount,
      cachedTokenCount: app.tokenVerifier.cachedTokenCount,
      tokenCacheMaxEntries: app.tokenVerifier.options.tokenCacheMaxEntries,
      cachedTokenBytes: app.tokenVerifier.cachedTokenBytes,
      tokenCacheMaxBytes: app.tokenVerifier.options.tokenCacheMaxBytes
    })
  }
}
