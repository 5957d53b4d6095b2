// Rows 2, 3, 9, 10, 11: this package's plugin, configured as its README does, keys on loopback.
import { fastifyResourceServer } from '../../src/index.js'
import { CLIENT_ID, ISSUER } from '../identity.js'
import { benchFastify, type AppBuilder } from './app.js'

export const resourceServer: AppBuilder = async ({ jwksUri, options }) => {
  const app = benchFastify()
  await app.register(fastifyResourceServer, { issuer: { issuer: ISSUER, jwksUri }, clientId: CLIENT_ID, ...options })
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
