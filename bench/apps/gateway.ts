// Row 7: the example gateway (auth, per-method scopes, identity headers, path safety) in front of
// the same upstream as the bare proxy.
import { buildGateway } from '../../src/gateway/gateway.js'
import { CLIENT_ID, ISSUER, ROUTE } from '../identity.js'
import type { AppBuilder } from './app.js'

export const gateway: AppBuilder = async ({ upstream, jwksUri }) => {
  if (upstream === undefined) throw new TypeError('the gateway app needs an upstream')
  const app = await buildGateway({
    config: { routes: [{ prefix: ROUTE, upstream, methods: { GET: ['transactions/get'] } }] },
    auth: { issuer: { issuer: ISSUER, jwksUri }, clientId: CLIENT_ID },
    fastify: { logger: false }
  })
  return { app, ownsRoute: true }
}
