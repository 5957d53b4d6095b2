/**
 * Row 7's reference: @fastify/http-proxy alone in front of the upstream (the baseline app, the
 * same handler), no authentication. The gateway row is measured against it.
 */
import httpProxy from '@fastify/http-proxy'
import { ROUTE } from '../identity.js'
import { benchFastify, type AppBuilder } from './app.js'

export const bareProxy: AppBuilder = async ({ upstream }) => {
  if (upstream === undefined) throw new TypeError('the bare-proxy app needs an upstream')
  const app = benchFastify()
  await app.register(httpProxy, { upstream, prefix: ROUTE, rewritePrefix: ROUTE })
  return { app, ownsRoute: true }
}
