/**
 * `GET /logout?client_id=…&logout_uri=…`, as Cognito's: redirects to one of the client's
 * registered sign-out URLs (compared exactly), or shows an error page, never an open redirect.
 * OpenID Connect RP-Initiated Logout's spelling works too, since discovery lists this endpoint as
 * `end_session_endpoint`: `post_logout_redirect_uri` in place of `logout_uri`, with `state`
 * passed back; `client_id` is still required (an `id_token_hint` alone is not accepted).
 * The issuer keeps no login session (every authorization asks for the password), so there is
 * nothing else to end.
 */
import type { FastifyInstance } from 'fastify'
import type { IssuerRouteContext } from './route-context.js'
import { sendErrorPage } from './authorize.js'
import { methodNotAllowed } from './method-not-allowed.js'

export const LOGOUT_PATH = '/logout'

/** Registers the logout endpoint. */
export function registerLogout (app: FastifyInstance, ctx: IssuerRouteContext): void {
  app.get(LOGOUT_PATH, async (request, reply) => {
    const query = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1))
    const client = ctx.config.clients.get(query.get('client_id') ?? '')
    if (client === undefined || query.getAll('client_id').length !== 1) return sendErrorPage(reply, ctx, 400, 'invalid_request', 'The client is unknown: check client_id.')
    const targets = [...query.getAll('logout_uri'), ...query.getAll('post_logout_redirect_uri')]
    const target = targets[0] ?? ''
    if (targets.length !== 1 || !client.logoutURLs.includes(target)) {
      return sendErrorPage(reply, ctx, 400, 'invalid_request', 'The logout_uri (or post_logout_redirect_uri) is missing, repeated, or not one of the sign-out URLs registered for this client.')
    }
    const state = query.get('state')
    if (!query.has('post_logout_redirect_uri') || state === null) return reply.header('cache-control', 'no-store').redirect(target, 302)
    const back = new URL(target)
    back.searchParams.append('state', state)
    return reply.header('cache-control', 'no-store').redirect(back.href, 302)
  })
  methodNotAllowed(app, LOGOUT_PATH, ['GET', 'HEAD'])
}
