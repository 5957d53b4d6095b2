/**
 * `POST /oauth2/token`, as Cognito serves it: the client_credentials grant (RFC 6749 §4.4), and
 * for users the authorization_code (§4.1.3, with PKCE) and refresh_token (§6) grants.
 *
 * The route lives in its own encapsulated context whose only body parser is
 * application/x-www-form-urlencoded with a small limit, so any other body is refused before it is
 * read; every refusal, Fastify's own included, leaves as an RFC 6749 §5.2 JSON body.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { authenticateClient, grantScopes } from '../clients/client-auth.js'
import { authorizationCodeGrant } from '../flow/authorization-code-grant.js'
import type { UserTokenResponse } from '../flow/issue-tokens.js'
import { refreshTokenGrant } from '../flow/refresh-token-grant.js'
import type { UserFlowContext } from '../flow/user-flow.js'
import { methodNotAllowed } from './method-not-allowed.js'
import { noStore, OAuthError, sendOAuthError } from './oauth-errors.js'
import { mintAccessToken } from '../tokens/token.js'
import { readTokenRequest } from './token-request.js'
import { refuseCredentialsInUrl } from './url-credentials.js'

/** What the token endpoint needs from the issuer. */
export interface TokenEndpointContext extends UserFlowContext {
  readonly bodyLimitBytes: number
}

/** The grant types served. */
export const GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token'] as const

/** The success body (RFC 6749 §5.1), exactly Cognito's three members. */
export interface TokenResponse {
  readonly access_token: string
  readonly token_type: 'Bearer'
  readonly expires_in: number
}

export const TOKEN_PATH = '/oauth2/token'

function fastifyErrorDescription (err: FastifyError, limit: number): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'The body must be application/x-www-form-urlencoded.'
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The body must not exceed ${limit} bytes.`
    default:
      return 'The request is malformed.'
  }
}

/**
 * Registers a form-posting OAuth endpoint in its own context: only
 * application/x-www-form-urlencoded bodies up to `bodyLimitBytes` are read, and every refusal,
 * Fastify's own included, leaves as an RFC 6749 §5.2 JSON body. Shared by token and revocation.
 */
export async function registerFormEndpoint (
  app: FastifyInstance,
  ctx: { readonly config: { readonly poolId: string }, readonly bodyLimitBytes: number },
  path: string,
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
): Promise<void> {
  const realm = ctx.config.poolId
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: ctx.bodyLimitBytes }, (_req, body, done) => done(null, body))

    scope.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof OAuthError) return sendOAuthError(reply, err, realm)
      if (err.statusCode !== undefined && err.statusCode < 500) {
        return sendOAuthError(reply, new OAuthError('invalid_request', fastifyErrorDescription(err, ctx.bodyLimitBytes)), realm)
      }
      request.log.error({ code: err.code, message: err.message }, 'request failed')
      return sendOAuthError(reply, new OAuthError('server_error', 'The request could not be served; see the issuer log.'), realm)
    })
    // Before the body is read: a credential in the URL is refused, never used (RFC 6749 §2.3.1).
    scope.addHook('onRequest', async (request) => { refuseCredentialsInUrl(request.url) })
    scope.post(path, handler)
  })
  methodNotAllowed(app, path, ['POST'])
}

/** Registers the token endpoint on `app`, in its own context. */
export async function registerTokenEndpoint (app: FastifyInstance, ctx: TokenEndpointContext): Promise<void> {
  await registerFormEndpoint(app, ctx, TOKEN_PATH, async (request: FastifyRequest, reply: FastifyReply): Promise<TokenResponse | UserTokenResponse> => {
    const tokenRequest = readTokenRequest(request.body as string | undefined, request.headers.authorization)
    if (!(GRANT_TYPES as readonly string[]).includes(tokenRequest.grantType)) {
      throw new OAuthError('unsupported_grant_type', `This issuer supports grant_type ${GRANT_TYPES.join(', ')}.`)
    }
    const client = await authenticateClient(ctx.config, tokenRequest.credentials)
    if (tokenRequest.grantType === 'authorization_code') {
      const body = await authorizationCodeGrant(ctx, client, tokenRequest.params)
      noStore(reply)
      return body
    }
    if (tokenRequest.grantType === 'refresh_token') {
      const body = await refreshTokenGrant(ctx, client, tokenRequest.params, tokenRequest.scopes)
      noStore(reply)
      return body
    }
    if (!client.allowedOAuthFlows.includes('client_credentials')) {
      throw new OAuthError('unauthorized_client', 'The client is not allowed the client_credentials flow.')
    }
    const scopes = grantScopes(client, tokenRequest.scopes)
    const issuer = ctx.urls().issuer
    await ctx.keys.refresh()
    const now = ctx.clock()
    const accessToken = await mintAccessToken({
      key: ctx.keys.signingKey(now, client.signingAlgorithm),
      issuer,
      clientId: client.clientId,
      scopes,
      validitySeconds: client.accessTokenValiditySeconds,
      now
    })
    noStore(reply)
    return { access_token: accessToken, token_type: 'Bearer', expires_in: client.accessTokenValiditySeconds }
  })
}
