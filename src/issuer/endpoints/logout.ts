/**
 * `GET /logout?client_id=…&logout_uri=…`, as Cognito's: redirects to one of the client's
 * registered sign-out URLs (compared exactly), or shows an error page, never an open redirect.
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
    const target = query.get('logout_uri') ?? ''
    if (client === undefined || query.getAll('client_id').length !== 1) return sendErrorPage(reply, 400, 'invalid_request', 'The client is unknown: check client_id.')
    if (query.getAll('logout_uri').length !== 1 || !client.logoutURLs.includes(target)) {
      return sendErrorPage(reply, 400, 'invalid_request', 'The logout_uri is missing or is not one of the sign-out URLs registered for this client.')
    }
    return reply.header('cache-control', 'no-store').redirect(target, 302)
  })
  methodNotAllowed(app, LOGOUT_PATH, ['GET', 'HEAD'])
}
