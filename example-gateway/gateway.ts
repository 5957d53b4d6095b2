/**
 * The example API gateway: our resource-server plugin in front of @fastify/http-proxy.
 *
 * Per request: the target is checked for path tricks before routing; the bearer token is verified
 * in onRequest; the method's scopes are checked; forged identity and method-override headers are
 * dropped and the verified identity is forwarded; upstream failures become 502 and timeouts 504.
 */
import httpProxy from '@fastify/http-proxy'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import { fastifyResourceServer, type ResourceServerOptions } from '../src/index.js'
import { resolveGatewayConfig, type GatewayConfig, type ResolvedGatewayConfig } from './config.js'
import { identityHeaderRewriter } from './identity-headers.js'
import { unsafePathReason } from './path-safety.js'

/** Everything the gateway needs: its route table and how to verify tokens. */
export interface GatewayOptions {
  /** The route table, as an object or already resolved by `loadGatewayConfig`. */
  config: GatewayConfig | ResolvedGatewayConfig
  /** The resource-server plugin's options (issuer, clientId, …). */
  auth: ResourceServerOptions
  /** Fastify's own options (logger, …). */
  fastify?: FastifyServerOptions
}

const UNSAFE_PATH = '/__gateway/unsafe-path'

function isResolved (config: GatewayConfig | ResolvedGatewayConfig): config is ResolvedGatewayConfig {
  return config.routes.length > 0 && config.routes[0]?.methods instanceof Map
}

function upstreamError (reply: FastifyReply, error: { statusCode?: number }): void {
  const timeout = error.statusCode === 504
  const statusCode = timeout ? 504 : 502
  reply.code(statusCode).header('cache-control', 'no-store').send({
    statusCode,
    code: timeout ? 'ERR_UPSTREAM_TIMEOUT' : 'ERR_UPSTREAM_UNAVAILABLE',
    error: timeout ? 'Gateway Timeout' : 'Bad Gateway',
    message: timeout ? 'The upstream service did not answer in time.' : 'The upstream service could not be reached.'
  })
}

/**
 * Builds the gateway (not listening yet).
 *
 * @example
 * ```ts
 * const gateway = await buildGateway({
 *   config: { routes: [{ prefix: '/transactions', upstream: 'http://127.0.0.1:9001',
 *     methods: { GET: ['transactions/get'], POST: ['transactions/post'] } }] },
 *   auth: { issuer: 'http://127.0.0.1:9000/local_pool', clientId: null }
 * })
 * await gateway.listen({ port: 8080, host: '127.0.0.1' })
 * ```
 */
export async function buildGateway (options: GatewayOptions): Promise<FastifyInstance> {
  const config = isResolved(options.config) ? options.config : resolveGatewayConfig(options.config)
  const unsafe = new WeakMap<object, string>()
  const app = Fastify({
    ...options.fastify,
    // Runs before routing, so a path trick can never select a route.
    rewriteUrl (req) {
      const reason = unsafePathReason(req.url as string)
      if (reason === undefined) return req.url as string
      unsafe.set(req, reason)
      return UNSAFE_PATH
    }
  })

  await app.register(fastifyResourceServer, options.auth)

  app.all(UNSAFE_PATH, { config: { auth: false } }, async (request, reply) => {
    return await reply.code(400).header('cache-control', 'no-store').send({
      statusCode: 400,
      code: 'ERR_UNSAFE_PATH',
      error: 'Bad Request',
      message: `Refused: ${unsafe.get(request.raw) ?? 'the path is reserved'}.`
    })
  })

  const rewrite = identityHeaderRewriter(config.identityHeaders)
  for (const route of config.routes) {
    const hooks = new Map([...route.methods].map(([method, scopes]) => [method, app.authorize({ scopes })]))
    const allow = [...route.methods.keys()].join(', ')
    await app.register(httpProxy, {
      upstream: route.upstream,
      prefix: route.prefix,
      rewritePrefix: route.prefix,
      httpMethods: ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'],
      preHandler: async function methodScopes (request: FastifyRequest, reply: FastifyReply) {
        const hook = hooks.get(request.method)
        if (hook === undefined) {
          return await reply.code(405).header('allow', allow).send({ statusCode: 405, code: 'ERR_METHOD_NOT_ALLOWED', error: 'Method Not Allowed', message: `${request.method} is not allowed here; allowed: ${allow}.` })
        }
        await hook.call(app, request, reply)
      } as any,
      replyOptions: {
        timeout: config.upstreamTimeoutMs,
        rewriteRequestHeaders: (request, headers) => rewrite(headers, request.auth),
        onError: (reply, { error }) => { upstreamError(reply as unknown as FastifyReply, error as { statusCode?: number }) }
      }
    })
  }
  return app
}
