/**
 * fastify-resource-server: verify Cognito-style OAuth 2.0 access tokens in Fastify.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import resourceServer from 'fastify-resource-server'
 *
 * const app = Fastify()
 * await app.register(resourceServer, { userPoolId: 'eu-west-1_AbC123', clientId: 'my-client-id' })
 * app.get('/transactions', { config: { auth: { scopes: ['transactions/get'] } } }, async (req) => ({ caller: req.auth?.sub }))
 * ```
 */
import { fastifyResourceServer } from './fastify/plugin.js'

export { fastifyResourceServer }
export default fastifyResourceServer
export type { ResourceServerOptions, AuthorizeHook } from './fastify/plugin.js'
export type { RouteAuthOptions } from './fastify/route-config.js'
export type { OpenApiOptions } from './fastify/openapi-options.js'
export type { OAuth2SecurityScheme } from './fastify/openapi.js'
export * from './verifier/index.js'
export { redactUrl, redactLogMessage, redactingLogger, redactingLoggerInstance, serializers, CREDENTIAL_PARAMETERS, REDACTED, type LoggableRequest, type LoggedRequest } from './logging/index.js'
export * from './diagnostics/index.js'
