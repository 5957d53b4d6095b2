/**
 * `POST /oauth2/token`: the client_credentials grant (RFC 6749 §4.4), as Cognito serves it.
 *
 * The route lives in its own encapsulated context whose only body parser is
 * application/x-www-form-urlencoded with a small limit, so any other body is refused before it is
 * read; every refusal, Fastify's own included, leaves as an RFC 6749 §5.2 JSON body.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { authenticateClient, grantScopes } from '../clients/client-auth.js'
import { methodNotAllowed } from './method-not-allowed.js'
import type { IssuerRouteContext } from './route-context.js'
import { noStore, OAuthError, sendOAuthError } from './oauth-errors.js'
import { mintAccessToken } from '../tokens/token.js'
import { readTokenRequest } from './token-request.js'

/** What the token endpoint needs from the issuer. */
export interface TokenEndpointContext extends IssuerRouteContext {
  readonly bodyLimitBytes: number
}

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

/** Registers the token endpoint on `app`, in its own context. */
export async function registerTokenEndpoint (app: FastifyInstance, ctx: TokenEndpointContext): Promise<void> {
  const realm = ctx.config.poolId
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: ctx.bodyLimitBytes }, (_req, body, done) => done(null, body))

    scope.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof OAuthError) return sendOAuthError(reply, err, realm)
      if (err.statusCode !== undefined && err.statusCode < 500) {
        return sendOAuthError(reply, new OAuthError('invalid_request', fastifyErrorDescription(err, ctx.bodyLimitBytes)), realm)
      }
      request.log.error({ code: err.code, message: err.message }, 'token request failed')
      return sendOAuthError(reply, new OAuthError('server_error', 'The token could not be issued; see the issuer log.'), realm)
    })

    scope.post(TOKEN_PATH, async (request: FastifyRequest, reply: FastifyReply): Promise<TokenResponse> => {
      const tokenRequest = readTokenRequest(request.body as string | undefined, request.headers.authorization)
      if (tokenRequest.grantType !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 'This issuer supports only grant_type=client_credentials.')
      }
      const client = await authenticateClient(ctx.config, tokenRequest.credentials)
      if (!client.allowedOAuthFlows.includes('client_credentials')) {
        throw new OAuthError('unauthorized_client', 'The client is not allowed the client_credentials flow.')
      }
      const scopes = grantScopes(client, tokenRequest.scopes)
      const issuer = ctx.urls().issuer
      await ctx.keys.refresh()
      const now = ctx.clock()
      const accessToken = await mintAccessToken({
        key: ctx.keys.roles(now).signing,
        issuer,
        clientId: client.clientId,
        scopes,
        validitySeconds: client.accessTokenValiditySeconds,
        now
      })
      noStore(reply)
      return { access_token: accessToken, token_type: 'Bearer', expires_in: client.accessTokenValiditySeconds }
    })
  })
  methodNotAllowed(app, TOKEN_PATH, ['POST'])
}
