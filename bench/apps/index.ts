/**
 * The servers under test, by name. A scenario names one of these (scenarios/registry.ts); the
 * child process (server.ts) builds it.
 *
 * ROW 7 — PLACEHOLDER for the gateway (example-gateway/, being written under the gateway issue).
 * 'bare-proxy' is ready; add the gateway beside it, for example in apps/gateway.ts:
 *
 *   export const gateway: AppBuilder = async ({ upstream, jwksUri }) => ({
 *     app: await buildGateway({
 *       config: { routes: [{ prefix: ROUTE, upstream: upstream as string, methods: { GET: ['transactions/get'] } }] },
 *       auth: { issuer: { issuer: ISSUER, jwksUri }, clientId: CLIENT_ID },
 *       fastify: { logger: false }
 *     }),
 *     ownsRoute: true
 *   })
 *
 * then register it here as 'gateway' and enable the two proxy rows in scenarios/registry.ts.
 */
import type { AppBuilder } from './app.js'
import { awsJwtVerify } from './aws-jwt-verify.js'
import { bareProxy } from './bare-proxy.js'
import { baseline } from './baseline.js'
import { fastifyJwtGetJwks } from './fastify-jwt.js'
import { fastifyJwtJwksApp } from './fastify-jwt-jwks.js'
import { resourceServer } from './resource-server.js'

export const APPS = {
  baseline,
  'resource-server': resourceServer,
  'fastify-jwt': fastifyJwtGetJwks,
  'aws-jwt-verify': awsJwtVerify,
  'fastify-jwt-jwks': fastifyJwtJwksApp,
  'bare-proxy': bareProxy
} satisfies Record<string, AppBuilder>

export type AppName = keyof typeof APPS
