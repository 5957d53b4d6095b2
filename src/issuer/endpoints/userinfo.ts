/**
 * `GET` and `POST /oauth2/userInfo` (OIDC Core §5.3), at Cognito's path: the user's claims for a
 * user access token that carries the `openid` scope. The token travels in the Authorization
 * header only, and refusals are RFC 6750 replies (the plugin's own): 401 `invalid_token`, 403
 * `insufficient_scope`, 401 without an error code when there is no token at all.
 *
 * The token is verified against the issuer's own published keys, in process. An access token
 * whose login was revoked (a replayed code, a revoked refresh-token family) is refused here,
 * although resource servers that verify it offline accept it until it expires.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose'
import { extractBearer } from '../../fastify/bearer.js'
import { realmParam, sendRefusal } from '../../fastify/challenge.js'
import { CredentialsMissingError, InsufficientScopeError, InvalidTokenError, ResourceServerError } from '../../verifier/errors.js'
import type { UserFlowContext } from '../flow/user-flow.js'
import { KEY_ALGORITHMS } from '../keys/key-file.js'
import { methodNotAllowed } from './method-not-allowed.js'

export const USERINFO_PATH = '/oauth2/userInfo'

/** The access token is not one this endpoint accepts. */
class UserInfoTokenError extends InvalidTokenError {
  readonly code = 'ERR_USERINFO_TOKEN'
}

async function verify (ctx: UserFlowContext, token: string): Promise<JWTPayload> {
  await ctx.keys.refresh()
  const keys = createLocalJWKSet({ keys: ctx.keys.roles(ctx.clock()).published.map((k) => k.publicJwk) })
  let payload: JWTPayload
  try {
    ({ payload } = await jwtVerify(token, keys, { issuer: ctx.urls().issuer, algorithms: [...KEY_ALGORITHMS], currentDate: new Date(ctx.clock()) }))
  } catch {
    throw new UserInfoTokenError('The access token is invalid or expired.')
  }
  // Only this issuer's keys verified it, so a token with a username is one of our user access
  // tokens, and carries sub, origin_jti and scope.
  if (payload.token_use !== 'access' || payload.username === undefined) {
    throw new UserInfoTokenError('The token is not a user\'s access token.')
  }
  if (ctx.refresh.isOriginRevoked(payload.origin_jti as string)) {
    throw new UserInfoTokenError('The access token was revoked.')
  }
  if (!(payload.scope as string).split(' ').includes('openid')) {
    throw new InsufficientScopeError(['openid'], 'The access token lacks the openid scope.')
  }
  return payload
}

/** Registers the userInfo endpoint. */
export async function registerUserInfo (app: FastifyInstance, ctx: UserFlowContext): Promise<void> {
  const realm = realmParam(ctx.config.poolId)
  await app.register(async (scope) => {
    // A POST body is neither needed nor read beyond a small limit, whatever its type.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 8192 }, (_req, _body, done) => { done(null, undefined) })
    const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      reply.header('cache-control', 'no-store')
      try {
        const token = extractBearer(request)
        if (token === undefined) throw new CredentialsMissingError()
        const payload = await verify(ctx, token)
        const user = await ctx.users.findBySub(payload.sub as string)
        if (user === undefined) throw new UserInfoTokenError('The user no longer exists.')
        return { sub: user.sub, ...user.attributes, username: user.username }
      } catch (err) {
        if (err instanceof ResourceServerError) return sendRefusal(reply, err, realm)
        throw err
      }
    }
    scope.get(USERINFO_PATH, handler)
    scope.post(USERINFO_PATH, handler)
  })
  methodNotAllowed(app, USERINFO_PATH, ['GET', 'HEAD', 'POST'])
}
