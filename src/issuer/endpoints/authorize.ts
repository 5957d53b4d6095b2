/**
 * `GET /oauth2/authorize` (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2), at Cognito's path.
 *
 * Until the client and its `redirect_uri` are known to be right, errors are an HTML page and
 * never a redirect: redirecting to an unchecked URI would make the issuer an open redirector
 * (§4.1.2.1, RFC 9700 §4.11). After that, every error redirects back with `error`,
 * `error_description` and `state`. An accepted request waits, server-side, for the user to log
 * in: the browser carries only a random handle to the login page, so nothing the login form
 * posts can change what was authorized.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { clientAddress } from '../../fastify/client-address.js'
import type { ResolvedClient } from '../config/config.js'
import type { AuthorizationRequest } from '../flow/authorization-request.js'
import { CODE_CHALLENGE } from '../flow/pkce.js'
import type { UserFlowContext } from '../flow/user-flow.js'
import { LOGIN_PATH, pageLinks, STYLESHEET_PATH, type PageLinks } from '../login/page-links.js'
import { errorPage } from '../login/pages.js'
import { pageHeaders } from '../login/page-headers.js'
import { methodNotAllowed } from './method-not-allowed.js'
import { OAuthError } from './oauth-errors.js'
import type { IssuerRouteContext } from './route-context.js'

export const AUTHORIZE_PATH = '/oauth2/authorize'

const PARAMETERS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'prompt'] as const
type Parameter = typeof PARAMETERS[number]
/** `state` and `nonce`: opaque to us, but bounded and printable, since they are echoed. */
const OPAQUE = /^[\x20-\x7E]{1,2048}$/
/** OIDC Core §3.1.2.1's `prompt` values. */
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account'])

/**
 * Sends an error page (never a redirect); `ctx.urls` places its stylesheet link. Before the
 * issuer listens (no `issuerUrl`), the page links to the paths the issuer serves itself: an
 * error page never becomes a 500.
 */
export function sendErrorPage (reply: FastifyReply, ctx: Pick<IssuerRouteContext, 'urls'>, status: number, error: string, description: string): FastifyReply {
  let links = OWN_PAGE_LINKS
  try {
    links = pageLinks(ctx.urls().loginPage)
  } catch {
    // IssuerNotListeningError, the one error urls() throws: not listening yet, no issuerUrl.
  }
  return pageHeaders(reply).code(status).send(errorPage(error, description, links))
}

const OWN_PAGE_LINKS: PageLinks = { loginPage: LOGIN_PATH, stylesheet: STYLESHEET_PATH }

/** Redirects to `redirectUri` with the RFC 6749 §4.1.2.1 error parameters. */
function redirectError (reply: FastifyReply, redirectUri: string, err: OAuthError, state: string | undefined): FastifyReply {
  const url = new URL(redirectUri)
  url.searchParams.set('error', err.error)
  url.searchParams.set('error_description', err.message)
  if (state !== undefined) url.searchParams.set('state', state)
  return reply.header('cache-control', 'no-store').redirect(url.href, 302)
}

function readQuery (request: FastifyRequest): { values: Partial<Record<Parameter, string>>, repeated: Set<string> } {
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
  const values: Partial<Record<Parameter, string>> = {}
  const repeated = new Set<string>()
  for (const [name, value] of new URLSearchParams(query)) {
    if (!(PARAMETERS as readonly string[]).includes(name)) continue
    if (Object.hasOwn(values, name)) repeated.add(name)
    // §3.1: parameters sent without a value are treated as omitted.
    if (value !== '') values[name as Parameter] = value
  }
  return { values, repeated }
}

/** Every check after the client and redirect URI are trusted; returns what to remember. */
function checkRequest (client: ResolvedClient, q: Partial<Record<Parameter, string>>, repeated: Set<string>): AuthorizationRequest {
  const first = [...repeated][0]
  if (first !== undefined) throw new OAuthError('invalid_request', `The "${first}" parameter must not be repeated.`)
  if (q.state !== undefined && !OPAQUE.test(q.state)) throw new OAuthError('invalid_request', 'The "state" parameter must be 1 to 2048 printable ASCII characters.')
  if (q.response_type === undefined) throw new OAuthError('invalid_request', 'The "response_type" parameter is required; use response_type=code.')
  if (q.response_type !== 'code') {
    throw new OAuthError('unsupported_response_type', 'Only response_type=code is supported; the implicit grant is not (RFC 9700 §2.1.2).')
  }
  if (!client.allowedOAuthFlows.includes('code')) throw new OAuthError('unauthorized_client', 'The client is not allowed the code flow.')
  const requested = q.scope?.split(' ').filter((s) => s !== '')
  const scopes = requested === undefined || requested.length === 0 ? [...client.allowedOAuthScopes] : [...new Set(requested)]
  if (scopes.some((s) => !client.allowedOAuthScopes.includes(s))) throw new OAuthError('invalid_scope', 'A requested scope is not allowed to the client.')
  if (q.nonce !== undefined && !OPAQUE.test(q.nonce)) throw new OAuthError('invalid_request', 'The "nonce" parameter must be 1 to 2048 printable ASCII characters.')
  if (q.code_challenge_method !== undefined && q.code_challenge_method !== 'S256') {
    throw new OAuthError('invalid_request', 'Only code_challenge_method=S256 is supported; plain is refused.')
  }
  if (q.code_challenge === undefined) {
    if (q.code_challenge_method !== undefined) throw new OAuthError('invalid_request', 'The "code_challenge_method" needs a "code_challenge" beside it.')
    if (client.secret === undefined) throw new OAuthError('invalid_request', 'A public client must use PKCE: send code_challenge and code_challenge_method=S256.')
  } else {
    if (q.code_challenge_method === undefined) throw new OAuthError('invalid_request', 'Send code_challenge_method=S256 with the code_challenge (plain is refused).')
    if (!CODE_CHALLENGE.test(q.code_challenge)) throw new OAuthError('invalid_request', 'The "code_challenge" must be 43 base64url characters (an S256 digest).')
  }
  checkPrompt(q.prompt)
  return {
    clientId: client.clientId,
    redirectUri: q.redirect_uri as string,
    scopes,
    state: q.state,
    nonce: q.nonce,
    codeChallenge: q.code_challenge
  }
}

/**
 * OIDC Core §3.1.2.1's `prompt`. The issuer keeps no login session, so every authorization shows
 * the login page: `login`, `consent` and `select_account` are what it does anyway, and `none`
 * (never show a page) can only be answered `login_required`, at once, instead of leaving a silent
 * renewal waiting on a page no one sees.
 */
function checkPrompt (prompt: string | undefined): void {
  if (prompt === undefined) return
  const values = prompt.split(' ').filter((v) => v !== '')
  if (values.some((v) => !PROMPTS.has(v))) throw new OAuthError('invalid_request', 'The "prompt" parameter takes none, login, consent or select_account.')
  if (values.includes('none')) {
    if (values.length > 1) throw new OAuthError('invalid_request', 'prompt=none cannot be combined with another prompt value (OIDC Core §3.1.2.1).')
    throw new OAuthError('login_required', 'The issuer keeps no login session: the user must log in. Ask again without prompt=none.')
  }
}

/** Registers the authorization endpoint. */
export function registerAuthorize (app: FastifyInstance, ctx: UserFlowContext): void {
  app.get(AUTHORIZE_PATH, async (request, reply) => {
    const { values: q, repeated } = readQuery(request)
    const client = q.client_id === undefined || repeated.has('client_id') ? undefined : ctx.config.clients.get(q.client_id)
    if (client === undefined) return sendErrorPage(reply, ctx, 400, 'invalid_request', 'The client is unknown: check client_id.')
    if (q.redirect_uri === undefined || repeated.has('redirect_uri') || !client.callbackURLs.includes(q.redirect_uri)) {
      return sendErrorPage(reply, ctx, 400, 'invalid_request', 'The redirect_uri is missing or is not one of the callback URLs registered for this client.')
    }
    const state = repeated.has('state') ? undefined : q.state
    let accepted: AuthorizationRequest
    try {
      accepted = checkRequest(client, q, repeated)
    } catch (err) {
      return redirectError(reply, q.redirect_uri, err as OAuthError, state !== undefined && OPAQUE.test(state) ? state : undefined)
    }
    // Owned by the client's address (an IPv6 client by its /64, as the login throttle counts it):
    // requests one address never completes push out only its own.
    const handle = ctx.pending.add(accepted, clientAddress(request))
    const login = new URL(ctx.urls().loginPage)
    login.searchParams.set('request', handle)
    return reply.header('cache-control', 'no-store').redirect(login.href, 302)
  })
  methodNotAllowed(app, AUTHORIZE_PATH, ['GET', 'HEAD'])
}
