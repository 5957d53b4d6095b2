/**
 * The API gateway: the resource-server plugin in front of @fastify/http-proxy.
 *
 * Per request: the target is checked for path tricks before routing; the bearer token is verified
 * in onRequest; the method must be in the route table; the client's rate limit is counted; the
 * method's scopes are checked; forged identity and method-override headers and query parameters
 * are dropped and the verified identity is forwarded; upstream failures become 502, timeouts 504.
 */
import httpProxy from '@fastify/http-proxy'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import { fastifyResourceServer, type AuthorizeHook, type ResourceServerOptions } from '../fastify/plugin.js'
import { redactingLogger, redactingLoggerInstance } from '../logging/logger-options.js'
import { OptionError } from '../verifier/errors.js'
import { hasEveryScope } from '../verifier/requirements.js'
import { resolveGatewayConfig, type GatewayConfig, type ResolvedGatewayConfig } from './config.js'
import { identityHeaderRewriter } from './identity-headers.js'
import { nestedPrefixCheck } from './nested-prefixes.js'
import { unsafePathReason } from './path-safety.js'
import { queryParamFilter } from './query-params.js'
import { registerRateLimits, type RateLimitCheck } from './rate-limit.js'
import { sendUpstreamError } from './upstream-error.js'

/** Everything the gateway needs: its configuration and how to verify tokens. */
export interface GatewayOptions {
  /** The configuration, as an object or already resolved by `loadGatewayConfig`. */
  config: GatewayConfig | ResolvedGatewayConfig
  /** The resource-server plugin's options (issuer, clientId, …). Default: the configuration's `auth`. */
  auth?: ResourceServerOptions
  /** Fastify's own options (logger, trustProxy, …). */
  fastify?: FastifyServerOptions
}

const UNSAFE_PATH = '/__gateway/unsafe-path'
const HTTP_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS']

/** The configuration's `trustProxy` as Fastify takes it: a hop count as the function Fastify makes of one. */
function trustProxyOption (value: NonNullable<ResolvedGatewayConfig['trustProxy']>): boolean | string | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_address, hop) => hop < value
  return typeof value === 'object' ? [...value] : value
}

function isResolved (config: GatewayConfig | ResolvedGatewayConfig): config is ResolvedGatewayConfig {
  return config.routes[0]?.methods instanceof Map
}

/**
 * Builds the gateway (not listening yet).
 *
 * @example
 * ```ts
 * import { buildGateway } from 'fastify-resource-server/gateway'
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
  const auth = options.auth ?? config.auth
  if (auth === undefined) throw new OptionError('auth', 'is required: the plugin\'s options (issuer, clientId, …), in the configuration or beside it')
  const unsafe = new WeakMap<object, string>()
  const app = Fastify({
    ...(config.trustProxy === undefined ? {} : { trustProxy: trustProxyOption(config.trustProxy) }),
    ...options.fastify,
    // A credential a client puts in the URL never reaches the log (see src/logging).
    ...(options.fastify?.logger === undefined ? {} : { logger: redactingLogger(options.fastify.logger) }),
    ...(options.fastify?.loggerInstance === undefined ? {} : { loggerInstance: redactingLoggerInstance(options.fastify.loggerInstance) }),
    // Runs before routing, so a path trick can never select a route.
    rewriteUrl (req) {
      const reason = unsafePathReason(req.url as string)
      if (reason === undefined) return req.url as string
      unsafe.set(req, reason)
      return UNSAFE_PATH
    }
  })
  try {
    await configure(app, config, auth, options.auth === undefined, unsafe)
  } catch (err) {
    // Whatever was opened before the failure (a Redis connection, say) is closed with the app.
    await app.close()
    throw err
  }
  return app
}

/** One method of one route: the scopes it needs, the plugin's hook that refuses without them, its limit. */
interface MethodStep { readonly scopes: readonly string[], readonly refuse: AuthorizeHook, readonly limit: RateLimitCheck | undefined }

/** Goes on when the verified token holds every scope; otherwise the plugin's own hook answers (403, logged and counted). */
function authorizeStep (step: MethodStep, request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  const auth = request.auth
  if (auth !== null && hasEveryScope(auth, step.scopes)) return done()
  step.refuse.call(request.server, request, reply).then(() => { done() }, done)
}

/** Registers the plugin, the metrics, the rate limits and one proxy per route on `app`. */
async function configure (app: FastifyInstance, config: ResolvedGatewayConfig, auth: ResourceServerOptions, authFromConfig: boolean, unsafe: WeakMap<object, string>): Promise<void> {
  try {
    await app.register(fastifyResourceServer, auth)
  } catch (err) {
    // The plugin names its own option; in a gateway configuration it lives under `auth`.
    if (err instanceof OptionError && authFromConfig) throw new OptionError(`auth.${err.option}`, err.expected)
    throw err
  }
  if (config.metrics !== undefined) {
    // Loaded only when configured: prom-client is an optional peer dependency.
    const { resourceServerMetrics } = await import('../metrics/prometheus.js')
    await app.register(resourceServerMetrics, config.metrics)
  }
  const limits = config.rateLimit === undefined ? undefined : await registerRateLimits(app, config.rateLimit)

  const refuseUnsafe = (reply: FastifyReply, reason: string): FastifyReply => reply.code(400).header('cache-control', 'no-store').send({
    statusCode: 400,
    code: 'ERR_UNSAFE_PATH',
    error: 'Bad Request',
    message: `Refused: ${reason}.`
  })
  app.all(UNSAFE_PATH, { config: { auth: false } }, (request, reply) => { refuseUnsafe(reply, unsafe.get(request.raw) ?? 'the path is reserved') })

  const rewrite = identityHeaderRewriter(config.identityHeaders, config.stripHeaders)
  const query = queryParamFilter(config.stripQueryParams)
  const prefixes = config.routes.map((route) => route.prefix)
  for (const route of config.routes) {
    const reachesNested = nestedPrefixCheck(route.prefix, prefixes)
    const checks = new Map<string, RateLimitCheck | undefined>()
    const steps = new Map([...route.methods].map(([method, scopes]) => {
      const rule = route.rateLimits.get(method)
      // HEAD that follows GET's rule (the same object, see config.ts) shares GET's count: a HEAD is
      // a GET without its body, and a count of its own would double the allowance.
      const counted = method === 'HEAD' && rule === route.rateLimits.get('GET') ? 'GET' : method
      if (!checks.has(counted)) checks.set(counted, rule === undefined || limits === undefined ? undefined : limits.limiter(route.prefix, counted, rule))
      return [method, { scopes, refuse: app.authorize({ scopes }), limit: checks.get(counted) }]
    }))
    const allow = [...route.methods.keys()].join(', ')
    await app.register(httpProxy, {
      upstream: route.upstream,
      prefix: route.prefix,
      rewritePrefix: route.prefix,
      httpMethods: HTTP_METHODS,
      // Callback style: a request within its limit and holding its scopes passes without a
      // promise when the limits are counted in memory.
      preHandler: function gatewayChecks (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) {
        if (reachesNested?.(request.url) === true) return void refuseUnsafe(reply, 'an upstream may read the path as under another route\'s prefix')
        const step = steps.get(request.method)
        if (step === undefined) {
          return void reply.code(405).header('allow', allow).send({ statusCode: 405, code: 'ERR_METHOD_NOT_ALLOWED', error: 'Method Not Allowed', message: `${request.method} is not allowed here; allowed: ${allow}.` })
        }
        const within = step.limit === undefined ? true : step.limit(request, reply)
        if (within === true) return authorizeStep(step, request, reply, done)
        if (within !== false) within.then((ok) => { if (ok) authorizeStep(step, request, reply, done) }, done)
      } as any,
      replyOptions: {
        timeout: config.upstreamTimeoutMs,
        // http-proxy hands reply-from the path alone; the query is taken from the request target.
        queryString: (_search, target) => query(target),
        rewriteRequestHeaders: (request, headers) => rewrite(headers, request.auth, request),
        onError: (reply, { error }) => { sendUpstreamError(reply as unknown as FastifyReply, error as { statusCode?: number }) }
      }
    })
  }
}
