/**
 * `POST /oauth2/revoke` (RFC 7009), at Cognito's path: revokes a refresh token and every token
 * of its family. The client authenticates as at the token endpoint; a token the issuer does not
 * know is answered 200, as §2.2 requires, so the endpoint reveals nothing about tokens. Access
 * tokens are self-contained JWTs that resource servers verify offline, so, as Cognito, the
 * endpoint takes refresh tokens only (`unsupported_token_type` for a JWT).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { authenticateClient } from '../clients/client-auth.js'
import type { UserFlowContext } from '../flow/user-flow.js'
import { noStore, OAuthError } from './oauth-errors.js'
import { registerFormEndpoint } from './token-endpoint.js'
import { readCredentials, readParameters } from './token-request.js'

export const REVOKE_PATH = '/oauth2/revoke'
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/

/** Registers the revocation endpoint. */
export async function registerRevoke (app: FastifyInstance, ctx: UserFlowContext & { readonly bodyLimitBytes: number }): Promise<void> {
  await registerFormEndpoint(app, ctx, REVOKE_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    const params = readParameters(request.body as string | undefined)
    const client = await authenticateClient(ctx.config, readCredentials(params, request.headers.authorization))
    if (params.token === undefined) throw new OAuthError('invalid_request', 'The "token" parameter is required.')
    noStore(reply)
    const record = ctx.refresh.find(params.token)
    if (record === undefined) {
      if (JWT.test(params.token)) throw new OAuthError('unsupported_token_type', 'Only refresh tokens can be revoked; access and ID tokens expire on their own.')
      return await reply.send()
    }
    if (record.clientId !== client.clientId) throw new OAuthError('unauthorized_client', 'The token was issued to another client.')
    const until = ctx.clock() + Math.max(client.accessTokenValiditySeconds, client.idTokenValiditySeconds) * 1000
    await ctx.refresh.revokeFamily(record.familyId, record.originJti, until)
    return await reply.send()
  })
}
