/**
 * The Fastify plugin: every route in its context requires a verified bearer token, unless the
 * route opts out; each route can require its own scopes, groups and token_use.
 *
 * Verification runs in `onRequest`, before any body is read or parsed (a refused request costs no
 * body parsing; @fastify/bearer-auth limits itself to onRequest/preParsing for the same reason).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { ClaimRejectedError, CredentialsMissingError, IssuerMismatchError, MultipleTokensError, OptionError, ResourceServerError } from '../verifier/errors.js'
import { describe } from '../verifier/option-value.js'
import type { VerifierOptions } from '../verifier/options.js'
import { checkRequirements, compileRequirements, type CompiledRequirements, type Requirements } from '../verifier/requirements.js'
import type { VerifiedToken } from '../verifier/verified-token.js'
import { TokenVerifier } from '../verifier/verifier.js'
import { extractBearer, hasFormBodyToken } from './bearer.js'
import { realmParam, sendRefusal } from './challenge.js'
import { describeHook, registerOpenApi, type OAuth2SecurityScheme } from './openapi.js'
import { resolveOpenApiOptions, type OpenApiOptions } from './openapi-options.js'
import { declaredRoutes } from './declared-routes.js'
import { compileRouteAuthOf, type CompiledRouteAuth, type RouteAuthOptions, type RouteName } from './route-config.js'

/** The plugin's options: the verifier's, plus how the plugin speaks HTTP. */
export interface ResourceServerOptions extends VerifierOptions {
  /**
   * A verifier to share (one JWKS cache and token cache for several plugin instances). When
   * given, no verifier option may be given beside it.
   */
  verifier?: TokenVerifier
  /** The `realm` of every `WWW-Authenticate` challenge. Default `'api'`. */
  realm?: string
  /**
   * Your own check, run after the token verified and before route requirements. Return `false`
   * to refuse with 401 `invalid_token` (`ERR_CLAIM_REJECTED`); throw a {@link ResourceServerError}
   * to refuse with that error's own status and code, such as `new ClaimRejectedError('Tenant
   * suspended.')` (401 with your message) or an `InsufficientScopeError` (403); any other thrown
   * error goes to Fastify's error handler.
   */
  validate?: (token: VerifiedToken, request: FastifyRequest) => boolean | undefined | Promise<boolean | undefined>
  /** Fetch every issuer's JWKS when the server starts (a failure is logged, not fatal). Default false. */
  prefetchJwks?: boolean
  /** Log level of the one line logged per refusal. Default `'info'`. */
  refusalLogLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Publish each route's requirements as OpenAPI security (for @fastify/swagger). Default: off. */
  openapi?: OpenApiOptions
}

/** The hook `requireScopes` and `authorize` return; usable as onRequest or preHandler. */
export type AuthorizeHook = onRequestAsyncHookHandler

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` makes the route public; an object states its requirements. Default: a valid token. */
    auth?: RouteAuthOptions | false
  }
  interface FastifyRequest {
    /** The verified token, or null on public routes and optional routes called without one. */
    auth: VerifiedToken | null
  }
  interface FastifyInstance {
    /**
     * A hook that requires every scope given, for routes that cannot use `config.auth`, such as
     * `@fastify/http-proxy`'s `preHandler`.
     *
     * @example
     * ```ts
     * app.post('/transactions', { preHandler: app.requireScopes('transactions/post') }, handler)
     * ```
     */
    requireScopes: (...scopes: string[]) => AuthorizeHook
    /** A hook that requires any {@link Requirements}. */
    authorize: (requirements: Requirements) => AuthorizeHook
    /** The verifier behind the plugin. */
    tokenVerifier: TokenVerifier
    /**
     * The `oauth2` security scheme, by name, for @fastify/swagger's
     * `openapi.components.securitySchemes`; empty without the `openapi` option.
     */
    openapiSecuritySchemes: Record<string, OAuth2SecurityScheme>
  }
}

const PLUGIN_KEYS = new Set(['verifier', 'realm', 'validate', 'prefetchJwks', 'refusalLogLevel', 'openapi'])
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

/** A route's `config` as Fastify keeps it: the route's own members, with its `url` and `method`. */
type RouteConfig = RouteName & { readonly auth?: unknown }

function splitOptions (options: ResourceServerOptions): { verifier: TokenVerifier, realm: string } {
  const verifierOptions: Record<string, unknown> = {}
  // An option passed as undefined is one left out, here as in the verifier.
  for (const [key, value] of Object.entries(options)) if (!PLUGIN_KEYS.has(key) && value !== undefined) verifierOptions[key] = value
  if (options.verifier !== undefined) {
    if (!(options.verifier instanceof TokenVerifier)) throw new OptionError('verifier', `must be a TokenVerifier (got ${describe(options.verifier)})`)
    const extra = Object.keys(verifierOptions)[0]
    if (extra !== undefined) throw new OptionError(extra, 'cannot be set beside "verifier"; configure the shared verifier instead')
  }
  const realm = options.realm ?? 'api'
  if (typeof realm !== 'string' || !/^[\x20\x21\x23-\x5B\x5D-\x7E]{1,128}$/.test(realm)) {
    throw new OptionError('realm', `must be 1 to 128 printable ASCII characters without quotes or backslashes (got ${describe(realm)})`)
  }
  if (options.validate !== undefined && typeof options.validate !== 'function') throw new OptionError('validate', `must be a function (got ${describe(options.validate)})`)
  if (options.prefetchJwks !== undefined && typeof options.prefetchJwks !== 'boolean') throw new OptionError('prefetchJwks', `must be a boolean (got ${describe(options.prefetchJwks)})`)
  if (options.refusalLogLevel !== undefined && !LOG_LEVELS.has(options.refusalLogLevel)) {
    throw new OptionError('refusalLogLevel', `must be one of ${[...LOG_LEVELS].join(', ')} (got ${describe(options.refusalLogLevel)})`)
  }
  return {
    verifier: options.verifier ?? new TokenVerifier(verifierOptions as VerifierOptions),
    realm: realmParam(realm)
  }
}

async function resourceServer (fastify: FastifyInstance, options: ResourceServerOptions): Promise<void> {
  const { verifier, realm } = splitOptions(options)
  const validate = options.validate
  const logLevel = options.refusalLogLevel ?? 'info'
  const routes = new WeakMap<object, CompiledRouteAuth>()
  // At registration, so that what weakens verification is in the start-up log, not found later.
  for (const warning of verifier.options.warnings) fastify.log.warn({ option: 'allowInsecureHttpHosts' }, warning)

  function refuse (request: FastifyRequest, reply: FastifyReply, err: ResourceServerError): FastifyReply {
    verifier.counters.refused(err)
    // The token's iss (escaped and cut by the verifier) says which issuer to trust, or fix.
    if (logLevel !== 'silent') request.log[logLevel](err instanceof IssuerMismatchError && err.iss !== undefined ? { code: err.code, iss: err.iss } : { code: err.code }, 'bearer token refused')
    return sendRefusal(reply, err, realm)
  }

  /** A route's `config.auth`, compiled once per route (Fastify's config object, with its url and method). */
  function compiledAuth (config: RouteConfig): CompiledRouteAuth {
    let compiled = routes.get(config)
    if (compiled === undefined) {
      compiled = compileRouteAuthOf(config.auth, config)
      routes.set(config, compiled)
    }
    return compiled
  }

  function routeAuth (request: FastifyRequest): CompiledRouteAuth {
    return compiledAuth(request.routeOptions.config)
  }

  function accept (request: FastifyRequest, token: VerifiedToken, needs: CompiledRequirements): true {
    checkRequirements(token, needs)
    request.auth = token
    verifier.counters.accepted()
    return true
  }

  function refuseOrRethrow (request: FastifyRequest, reply: FastifyReply, err: unknown): false {
    if (!(err instanceof ResourceServerError)) throw err
    refuse(request, reply, err)
    return false
  }

  async function verifyAndAccept (request: FastifyRequest, reply: FastifyReply, bearer: string, needs: CompiledRequirements, lookedUp: boolean): Promise<boolean> {
    try {
      const token = lookedUp ? await verifier.verifyInFull(bearer) : await verifier.verify(bearer)
      if (validate !== undefined && await validate(token, request) === false) throw new ClaimRejectedError()
      return accept(request, token, needs)
    } catch (err) {
      return refuseOrRethrow(request, reply, err)
    }
  }

  /**
   * Verifies the request's token and applies `needs`. True: go on; false: a refusal was sent.
   * A repeated token (a cache hit) is answered synchronously, without a promise.
   */
  function authenticate (request: FastifyRequest, reply: FastifyReply, optional: boolean, needs: CompiledRequirements): boolean | Promise<boolean> {
    let bearer: string | undefined
    try {
      bearer = extractBearer(request)
      if (bearer === undefined) {
        if (optional) return true
        throw new CredentialsMissingError()
      }
      if (validate === undefined) {
        const cached = verifier.verifyCached(bearer)
        if (cached !== undefined) return accept(request, cached, needs)
      }
    } catch (err) {
      return refuseOrRethrow(request, reply, err)
    }
    return verifyAndAccept(request, reply, bearer, needs, validate === undefined)
  }

  function hookFor (needs: CompiledRequirements): AuthorizeHook {
    return describeHook(async function authorizeHook (request, reply) {
      if (request.auth === null) {
        await authenticate(request, reply, false, needs)
        return
      }
      try {
        checkRequirements(request.auth, needs)
      } catch (err) {
        refuse(request, reply, err as ResourceServerError)
      }
    }, needs)
  }

  fastify.decorateRequest('auth', null)
  fastify.decorate('tokenVerifier', verifier)
  fastify.decorate('authorize', (requirements: Requirements) => hookFor(compileRequirements('authorize()', requirements)))
  fastify.decorate('requireScopes', (...scopes: string[]) => {
    if (scopes.length === 0) throw new OptionError('requireScopes()', 'needs at least one scope')
    return hookFor(compileRequirements('requireScopes()', { scopes }))
  })

  // Route config is checked when the route is declared, so a typo fails at start-up.
  fastify.addHook('onRoute', (route) => { compileRouteAuthOf(route.config?.auth, route) })
  // Routes declared before the plugin (before register(), or after one not awaited) in its
  // context or a child context are protected too, since Fastify adds the onRequest hook to the
  // context and its children whenever it comes, but onRoute never saw them: their config.auth is
  // checked when the server starts, so a typo fails ready(), not every request. The routes the
  // plugin guards are compiled here once, before any request.
  fastify.addHook('onReady', async () => {
    for (const { config, server } of declaredRoutes(fastify)) {
      if (server === fastify || Object.prototype.isPrototypeOf.call(fastify, server as object)) compiledAuth(config)
    }
  })
  registerOpenApi(fastify, resolveOpenApiOptions(options.openapi, options.userPoolId))

  // Callback style, so a cache hit passes without a promise; a miss continues when verified.
  fastify.addHook('onRequest', (request, reply, done) => {
    const route = routeAuth(request)
    if (route.public) return done()
    // A synchronous throw here is an application error; Fastify's hook runner routes it to the
    // error handler, as it does a rejected promise.
    const outcome = authenticate(request, reply, route.optional, route.needs)
    if (outcome === true) return done()
    if (outcome !== false) outcome.then((ok) => { if (ok) done() }, done)
  })

  // A public route reads no token, as it reads no query token: only routes that take one refuse
  // a second in the form body, which is parsed after onRequest.
  fastify.addHook('preValidation', (request, reply, done) => {
    if (!hasFormBodyToken(request) || routeAuth(request).public) return done()
    refuse(request, reply, new MultipleTokensError('Send the access token in the Authorization header only; a form-body access_token is not accepted.'))
  })

  if (options.prefetchJwks === true) {
    fastify.addHook('onReady', async () => {
      try {
        await verifier.prefetch()
      } catch (err) {
        fastify.log.warn({ code: (err as ResourceServerError).code }, 'JWKS prefetch failed; keys will be fetched on the first request')
      }
    })
  }
}

/**
 * The resource-server plugin.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import resourceServer from 'fastify-resource-server'
 *
 * const app = Fastify()
 * await app.register(resourceServer, { userPoolId: 'eu-west-1_AbC123', clientId: 'my-client-id' })
 * app.get('/transactions', { config: { auth: { scopes: ['transactions/get'] } } }, async (req) => req.auth?.sub)
 * ```
 */
export const fastifyResourceServer = fp(resourceServer, { fastify: '5.x', name: 'fastify-resource-server' })
