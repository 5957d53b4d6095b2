/**
 * The login page, `GET` and `POST /login` (Cognito's hosted UI path), in its own context:
 * - the form parser is @fastify/formbody with a small limit;
 * - CSRF protection is @fastify/csrf-protection, with its secret in an HttpOnly, SameSite=Strict
 *   cookie (@fastify/cookie) and its token in the form;
 * - attempts are throttled with @fastify/rate-limit, per username and per client address, so
 *   neither many passwords against one user nor one address against many users gets far;
 * - a failed login shows one generic message, whatever failed;
 * - success consumes the pending request and redirects with a single-use code and the `state`.
 */
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyRateLimit, { type CreateRateLimitOptions } from '@fastify/rate-limit'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { clientAddress } from '../../fastify/client-address.js'
import type { ResolvedClient } from '../config/config.js'
import type { AuthorizationRequest } from '../flow/authorization-request.js'
import type { UserFlowContext } from '../flow/user-flow.js'
import { MAX_USERNAME_LENGTH } from '../users/user-config.js'
import { sendErrorPage } from '../endpoints/authorize.js'
import { methodNotAllowed } from '../endpoints/method-not-allowed.js'
import { LOGIN_PATH, pageLinks, STYLESHEET_PATH } from './page-links.js'
import { LOGIN_CSS, loginPage } from './pages.js'
import { pageHeaders } from './page-headers.js'

/** Keys each login counter remembers (per address, per username); about 10 MiB at most for both. */
const THROTTLE_KEYS_KEPT = 50_000

/** The one message of every failed login: it must not tell which of username and password was wrong. */
export const LOGIN_FAILED = 'Incorrect username or password.'

/** Login throttling: attempts allowed per window. */
export interface LoginLimits {
  /** Attempts per username (any address) per window. */
  readonly attemptsPerUsername: number
  /** Attempts per client address (any username) per window. */
  readonly attemptsPerAddress: number
  /** The window, in seconds. */
  readonly windowSeconds: number
}

/** What the login page needs. */
export interface LoginContext extends UserFlowContext {
  readonly login: LoginLimits
}

interface LoginForm { _csrf?: unknown, request?: unknown, username?: unknown, password?: unknown }

/** A single string field of the parsed form; a repeated or missing one is ''. */
function field (body: unknown, name: keyof LoginForm): string {
  const value = (body as LoginForm | undefined)?.[name]
  return typeof value === 'string' ? value : ''
}

/** Registers the login page and its stylesheet. */
export async function registerLogin (app: FastifyInstance, ctx: LoginContext): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(fastifyCookie)
    scope.removeAllContentTypeParsers()
    await scope.register(fastifyFormbody, { bodyLimit: 8192 })
    // The cookie's path is set where the page is rendered: the login page's public path.
    await scope.register(fastifyCsrf, {
      cookieKey: 'login-csrf',
      cookieOpts: { httpOnly: true, sameSite: 'strict', signed: false }
    })
    await scope.register(fastifyRateLimit, { global: false })

    scope.setErrorHandler((err: FastifyError, request, reply) => {
      if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
        return sendErrorPage(reply, ctx, 403, 'invalid_request', 'The sign-in form expired or was not sent from this page. Go back to the application and sign in again.')
      }
      if (err.statusCode !== undefined && err.statusCode < 500) return sendErrorPage(reply, ctx, 400, 'invalid_request', 'The sign-in form could not be read.')
      request.log.error({ code: err.code, message: err.message }, 'login failed')
      return sendErrorPage(reply, ctx, 500, 'server_error', 'The sign-in could not be completed; see the issuer log.')
    })

    // Two independent counters: the plugin's route hooks run one limiter per request, so both
    // are checked here with createRateLimit. Each keeps THROTTLE_KEYS_KEPT keys (the library's
    // default is 5,000), and an attempt from an address already over its limit is refused before
    // the username is counted: otherwise refused attempts under made-up usernames would push a
    // real username's count out of the store and give its guesser a fresh allowance.
    // `cache` sizes the limiter's own store (@fastify/rate-limit's LocalStore.child reads it from
    // these options), though the library's types leave it out.
    const limit = (max: number, key: (request: FastifyRequest) => string): ReturnType<typeof scope.createRateLimit> =>
      scope.createRateLimit({ max, timeWindow: ctx.login.windowSeconds * 1000, keyGenerator: key, cache: THROTTLE_KEYS_KEPT } as CreateRateLimitOptions)
    // An IPv6 client counts by its /64 (see clientAddress).
    const perAddress = limit(ctx.login.attemptsPerAddress, (request) => `address:${clientAddress(request)}`)
    // No username is longer than MAX_USERNAME_LENGTH: a longer one is counted by its first
    // characters, so the store's keys stay small.
    const perUsername = limit(ctx.login.attemptsPerUsername, (request) => `username:${field(request.body, 'username').slice(0, MAX_USERNAME_LENGTH + 1).toLowerCase()}`)
    const throttle = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      // `isAllowed` is true only for allow-listed keys; a counted attempt is refused once exceeded.
      const refused = (r: { isAllowed: true } | { isAllowed: false, isExceeded: boolean }): boolean => !r.isAllowed && r.isExceeded
      if (refused(await perAddress(request)) || refused(await perUsername(request))) {
        await sendErrorPage(reply, ctx, 429, 'temporarily_unavailable', 'Too many sign-in attempts. Wait a few minutes and try again.')
      }
    }

    function render (reply: FastifyReply, handle: string, pending: AuthorizationRequest, status: number, extra: { username?: string, error?: string } = {}): FastifyReply {
      const client = ctx.config.clients.get(pending.clientId) as ResolvedClient
      const urls = ctx.urls()
      // Scoped to the login page's public path: under the issuer URL's prefix, if it has one.
      const links = pageLinks(urls.loginPage)
      const csrfToken = reply.generateCsrf({ path: links.loginPage, httpOnly: true, sameSite: 'strict', secure: urls.issuer.startsWith('https:') })
      return pageHeaders(reply, new URL(pending.redirectUri).origin).code(status).send(loginPage({
        clientName: client.clientName ?? pending.clientId,
        scopes: pending.scopes,
        csrfToken,
        request: handle,
        links,
        ...extra
      }))
    }
    const expired = (reply: FastifyReply): FastifyReply =>
      sendErrorPage(reply, ctx, 400, 'invalid_request', 'The sign-in request is unknown or expired. Go back to the application and sign in again.')

    scope.get(LOGIN_PATH, async (request, reply) => {
      const handle = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1)).get('request') ?? ''
      const pending = ctx.pending.get(handle)
      return pending === undefined ? expired(reply) : render(reply, handle, pending, 200)
    })

    scope.post(LOGIN_PATH, { preHandler: [scope.csrfProtection, throttle] }, async (request, reply) => {
      const handle = field(request.body, 'request')
      const pending = ctx.pending.get(handle)
      if (pending === undefined) return expired(reply)
      const username = field(request.body, 'username')
      const user = await ctx.users.authenticate(username, field(request.body, 'password'))
      if (user === undefined) {
        request.log.info({ client: pending.clientId }, 'login refused')
        return render(reply, handle, pending, 401, { username, error: LOGIN_FAILED })
      }
      // The password check took a while: the same page submitted twice at once (a double click)
      // may have used the request meanwhile. One request gives one code.
      if (ctx.pending.get(handle) === undefined) return expired(reply)
      ctx.pending.delete(handle)
      const code = ctx.codes.issue({ ...pending, sub: user.sub, username: user.username, authTime: Math.floor(ctx.clock() / 1000) })
      const target = new URL(pending.redirectUri)
      target.searchParams.set('code', code)
      if (pending.state !== undefined) target.searchParams.set('state', pending.state)
      return reply.header('cache-control', 'no-store').redirect(target.href, 302)
    })
  })
  app.get(STYLESHEET_PATH, async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(LOGIN_CSS))
  methodNotAllowed(app, LOGIN_PATH, ['GET', 'HEAD', 'POST'])
  methodNotAllowed(app, STYLESHEET_PATH, ['GET', 'HEAD'])
}
