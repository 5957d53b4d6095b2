// Row 7: the gateway (auth, per-method scopes, identity headers, path safety, and a per-client
// rate limit that the load stays within) in front of the same upstream as the bare proxy.
import { buildGateway } from '../../src/gateway/gateway.js'
import { CLIENT_ID, ISSUER, ROUTE } from '../identity.js'
import type { AppBuilder } from './app.js'

// Far above any load the bench makes: the cost of counting is measured, never a refusal.
const WITHIN_LIMIT = { max: 1_000_000_000, windowMs: 60_000 }

export const gateway: AppBuilder = async ({ upstream, jwksUri }) => {
  if (upstream === undefined) throw new TypeError('the gateway app needs an upstream')
  const app = await buildGateway({
    config: {
      routes: [{ prefix: ROUTE, upstream, methods: { GET: ['transactions/get'] } }],
      rateLimit: { perClient: WITHIN_LIMIT, unauthenticated: WITHIN_LIMIT }
    },
    auth: { issuer: { issuer: ISSUER, jwksUri }, clientId: CLIENT_ID },
    fastify: { logger: false }
  })
  return { app, ownsRoute: true }
}
