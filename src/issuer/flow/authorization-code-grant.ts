/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6): the code must be live, issued
 * to this client, redeemed once, with the same `redirect_uri` and a `code_verifier` whose S256
 * challenge matches. A code presented a second time is refused and revokes every token issued
 * from it (§4.1.2), since one of the two presenters stole it.
 */
import { randomUUID } from 'node:crypto'
import type { ResolvedClient } from '../config/config.js'
import { OAuthError } from '../endpoints/oauth-errors.js'
import type { Parameter } from '../endpoints/token-request.js'
import { issueUserTokens, type UserTokenResponse } from './issue-tokens.js'
import { verifierMatches } from './pkce.js'
import type { UserFlowContext } from './user-flow.js'

const invalidGrant = (description: string): OAuthError => new OAuthError('invalid_grant', description)

/** Exchanges a code for tokens. */
export async function authorizationCodeGrant (ctx: UserFlowContext, client: ResolvedClient, params: Partial<Record<Parameter, string>>): Promise<UserTokenResponse> {
  if (!client.allowedOAuthFlows.includes('code')) throw new OAuthError('unauthorized_client', 'The client is not allowed the code flow.')
  if (params.code === undefined) throw new OAuthError('invalid_request', 'The "code" parameter is required.')
  if (params.redirect_uri === undefined) throw new OAuthError('invalid_request', 'The "redirect_uri" parameter is required.')
  const { redirect_uri: redirectUri, code_verifier: codeVerifier } = params
  // Checked before the code is marked used, so a failed exchange leaves it to the client it was
  // issued for; nothing is awaited in between, so two exchanges at once cannot both pass.
  const redeemed = ctx.codes.redeem(params.code, (grant) => {
    if (grant.clientId !== client.clientId) throw invalidGrant('The code was issued to another client.')
    if (grant.redirectUri !== redirectUri) throw invalidGrant('The "redirect_uri" differs from the one of the authorization request.')
    if (grant.codeChallenge === undefined) {
      // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
      if (codeVerifier !== undefined) throw invalidGrant('A "code_verifier" was sent but the authorization request had no code_challenge.')
    } else {
      if (codeVerifier === undefined) throw invalidGrant('The "code_verifier" parameter is required: the authorization request had a code_challenge.')
      if (!verifierMatches(codeVerifier, grant.codeChallenge)) throw invalidGrant('The "code_verifier" does not match the code_challenge.')
    }
  })
  if (redeemed === undefined) throw invalidGrant('The code is unknown or expired.')
  const { grant, replayed, outcome } = redeemed
  // The lifetime of the longest token the code could have produced bounds the revocation.
  const revokeIssued = async (): Promise<void> => {
    const until = ctx.clock() + Math.max(client.accessTokenValiditySeconds, client.idTokenValiditySeconds) * 1000
    if (outcome.familyId !== undefined) await ctx.refresh.revokeFamily(outcome.familyId, outcome.originJti, until)
  }
  if (replayed) {
    outcome.replayed = true
    await revokeIssued()
    throw invalidGrant('The code was already used; the tokens issued from it are revoked.')
  }
  // Named before anything is awaited, so a replay that comes while these tokens are being issued
  // knows what to revoke.
  const originJti = randomUUID()
  const familyId = randomUUID()
  outcome.originJti = originJti
  outcome.familyId = familyId
  const user = await ctx.users.findBySub(grant.sub)
  if (user === undefined) throw invalidGrant('The user no longer exists.')
  const { body } = await issueUserTokens(ctx, {
    client, user, scopes: grant.scopes, originJti, authTime: grant.authTime, nonce: grant.nonce, refresh: { kind: 'new', familyId }
  })
  if (outcome.replayed === true) {
    // A replay came while issuing: what was stored since is revoked too, and nothing is handed out.
    await revokeIssued()
    throw invalidGrant('The code was used twice at once; the tokens issued from it are revoked.')
  }
  return body
}
