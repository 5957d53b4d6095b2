/**
 * Issuing a user's tokens, for the authorization_code and refresh_token grants: an access token,
 * an ID token when `openid` was granted, and a refresh token (a new family for a login, the same
 * family on a rotation).
 */
import { randomUUID } from 'node:crypto'
import type { ResolvedClient } from '../config/config.js'
import { mintIdToken, mintUserAccessToken, type UserTokenInput } from '../tokens/user-tokens.js'
import type { User } from '../users/user-store.js'
import type { UserFlowContext } from './user-flow.js'

/** The success body of a user grant (RFC 6749 §5.1, OIDC Core §3.1.3.3). */
export interface UserTokenResponse {
  readonly access_token: string
  readonly id_token?: string
  readonly refresh_token?: string
  readonly token_type: 'Bearer'
  readonly expires_in: number
}

/** What to issue. */
export interface UserGrant {
  readonly client: ResolvedClient
  readonly user: User
  readonly scopes: readonly string[]
  readonly originJti: string
  readonly authTime: number
  readonly nonce: string | undefined
  /**
   * `new`: a login, starting the family `familyId`; `rotate`: a refresh that replaces the token in
   * its family; `none`: a refresh that keeps it. `refreshScopes`: what a new refresh token carries
   * (RFC 6749 §6: a narrowed refresh keeps the original scope); default `scopes`.
   */
  readonly refresh: { readonly kind: 'new' | 'rotate', readonly familyId: string, readonly scopes?: readonly string[] } | { readonly kind: 'none' }
}

/** Signs the tokens of `grant` and stores the refresh token's hash. Returns the body. */
export async function issueUserTokens (ctx: UserFlowContext, grant: UserGrant): Promise<{ body: UserTokenResponse }> {
  await ctx.keys.refresh()
  const now = ctx.clock()
  const input: UserTokenInput = {
    key: ctx.keys.signingKey(now, grant.client.signingAlgorithm),
    issuer: ctx.urls().issuer,
    clientId: grant.client.clientId,
    user: grant.user,
    scopes: grant.scopes,
    originJti: grant.originJti,
    authTime: grant.authTime,
    now
  }
  const eventId = randomUUID()
  const accessToken = await mintUserAccessToken(input, grant.client.accessTokenValiditySeconds, eventId)
  const idToken = grant.scopes.includes('openid')
    ? await mintIdToken(input, grant.client.idTokenValiditySeconds, eventId, accessToken, grant.nonce)
    : undefined
  let refreshToken: string | undefined
  if (grant.refresh.kind !== 'none') {
    refreshToken = await ctx.refresh.issue({
      clientId: grant.client.clientId,
      sub: grant.user.sub,
      scopes: grant.refresh.scopes ?? grant.scopes,
      familyId: grant.refresh.familyId,
      originJti: grant.originJti,
      authTime: grant.authTime,
      validitySeconds: grant.client.refreshTokenValiditySeconds
    })
  }
  return {
    body: {
      access_token: accessToken,
      ...(idToken === undefined ? {} : { id_token: idToken }),
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      token_type: 'Bearer',
      expires_in: grant.client.accessTokenValiditySeconds
    }
  }
}
