/**
 * `grant_type=refresh_token` (RFC 6749 §6): the token must be live, not revoked, and issued to
 * the client that presents it. It grants the login's scopes that the client is still allowed (an
 * admin may have taken some away since), or fewer when the request asks for fewer. Clients with
 * `refreshTokenRotation` get a new refresh token each time, carrying those scopes, and the old
 * one, presented again, revokes its whole family (RFC 9700 §4.14.2): either the client or an
 * attacker holds a stolen copy, and the server cannot tell which.
 */
import type { ResolvedClient } from '../config/config.js'
import { OAuthError } from '../endpoints/oauth-errors.js'
import type { Parameter } from '../endpoints/token-request.js'
import { issueUserTokens, type UserTokenResponse } from './issue-tokens.js'
import type { RefreshRecord } from './refresh-store.js'
import type { UserFlowContext } from './user-flow.js'

const invalidGrant = (description: string): OAuthError => new OAuthError('invalid_grant', description)

/** Issues fresh tokens for a refresh token. */
export async function refreshTokenGrant (ctx: UserFlowContext, client: ResolvedClient, params: Partial<Record<Parameter, string>>, scopes: readonly string[] | undefined): Promise<UserTokenResponse> {
  if (!client.allowedOAuthFlows.includes('code')) throw new OAuthError('unauthorized_client', 'The client is not allowed the code flow, so it has no refresh tokens.')
  if (params.refresh_token === undefined) throw new OAuthError('invalid_request', 'The "refresh_token" parameter is required.')
  const record = ctx.refresh.find(params.refresh_token)
  if (record === undefined || record.state === 'revoked') throw invalidGrant('The refresh token is unknown, expired or revoked.')
  if (record.clientId !== client.clientId) throw invalidGrant('The refresh token was issued to another client.')
  // The lifetime of the longest token the family could have produced bounds the revocation.
  const revokeFamily = async (): Promise<void> => {
    await ctx.refresh.revokeFamily(record.familyId, record.originJti, ctx.clock() + Math.max(client.accessTokenValiditySeconds, client.idTokenValiditySeconds) * 1000)
  }
  if (record.state === 'rotated') {
    await revokeFamily()
    throw invalidGrant('The refresh token was already replaced; every token of its family is revoked.')
  }
  // What the login granted, less what the client is no longer allowed: a scope an admin took
  // away (from the client, or with its resource server) is not renewed by refreshing.
  const stillAllowed = record.scopes.filter((s) => client.allowedOAuthScopes.includes(s))
  // Every scope of the login taken away: the login is over, not renewed as a token that says nothing.
  if (record.scopes.length > 0 && stillAllowed.length === 0) throw invalidGrant('The client is no longer allowed any scope of this login; sign in again.')
  // RFC 6749 §6: a narrower scope may be asked for, never a broader one.
  const granted = scopes === undefined || scopes.length === 0 ? stillAllowed : [...new Set(scopes)]
  if (granted.some((s) => !record.scopes.includes(s))) throw new OAuthError('invalid_scope', 'A refresh may only narrow the scopes granted at login.')
  if (granted.some((s) => !stillAllowed.includes(s))) throw new OAuthError('invalid_scope', 'A requested scope is no longer allowed to the client.')
  // Marked before anything is awaited, so two refreshes at once cannot both pass the check above.
  const rotated = client.refreshTokenRotation ? ctx.refresh.markRotated(record) : undefined
  const user = await ctx.users.findBySub(record.sub)
  await rotated
  if (user === undefined) throw invalidGrant('The user no longer exists.')
  const { body } = await issueUserTokens(ctx, {
    client,
    user,
    scopes: granted,
    originJti: record.originJti,
    authTime: record.authTime,
    nonce: undefined,
    refresh: client.refreshTokenRotation ? { kind: 'rotate', familyId: record.familyId, scopes: stillAllowed } : { kind: 'none' }
  })
  // Read again: a revocation may have changed it while the tokens were signed.
  if ((record.state as RefreshRecord['state']) === 'revoked') {
    // The family was revoked while these tokens were issued (a revocation, or the same token
    // presented twice at once): the refresh token just stored joins it, and nothing is handed out.
    await revokeFamily()
    throw invalidGrant('The refresh token was revoked while new tokens were issued.')
  }
  return body
}
