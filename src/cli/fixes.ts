/**
 * One sentence per error code saying what to change so the token is accepted: the verifier's
 * message says what failed, this says what to do about it. Every code has one, so a new code
 * cannot ship without its advice (the type requires it).
 */
import type { ErrorCode } from '../verifier/errors.js'

/**
 * What to fix, by error code.
 *
 * @example
 * ```ts
 * console.log(FIXES.ERR_TOKEN_EXPIRED) // 'Get a new token from the issuer; …'
 * ```
 */
export const FIXES: Readonly<Record<ErrorCode, string>> = Object.freeze({
  ERR_CREDENTIALS_MISSING: 'Send the token in the Authorization header as "Bearer <token>".',
  ERR_MULTIPLE_TOKENS: 'Send exactly one token, in the Authorization header only.',
  ERR_AUTHORIZATION_MALFORMED: 'Put the token after "Bearer " in the Authorization header.',
  ERR_TOKEN_TOO_LARGE: 'Send the access token itself, or raise maxTokenBytes if your issuer\'s tokens really are this large.',
  ERR_TOKEN_MALFORMED: 'Pass the JWT access token itself (three base64url segments joined by dots), not an opaque token, a refresh token or a quoted string.',
  ERR_ALG_NOT_ALLOWED: 'Add the issuer\'s algorithm to --algorithms (the algorithms option), or have the issuer sign with an allowed one; none and HMAC are never accepted.',
  ERR_ALG_KEY_MISMATCH: 'Have the issuer sign with the algorithm its key is published for; the key under this kid is of another type, curve or alg.',
  ERR_HEADER_INVALID: 'Have the issuer name its key in "kid" and send no "crit" or "cty", with a "typ" the profile accepts (check --profile).',
  ERR_KEY_NOT_FOUND: 'Check that --jwks (or the issuer\'s JWKS) is the key set of the issuer that signed the token; a token signed with an unpublished key is never accepted.',
  ERR_SIGNATURE_INVALID: 'Get a fresh, unmodified token from the issuer, and check that --jwks belongs to that issuer.',
  ERR_TOKEN_EXPIRED: 'Get a new token from the issuer; a client should renew before "exp".',
  ERR_TOKEN_NOT_YET_VALID: 'Check the issuer\'s clock against this one (or --now); the token claims a time still in the future.',
  ERR_TOKEN_LIFETIME_TOO_LONG: 'Have the issuer issue shorter-lived tokens, or raise maxTokenLifetimeSeconds.',
  ERR_CLAIM_INVALID: 'Have the issuer send the claim named above with the type the profile expects, or pick the profile that matches the issuer (--profile).',
  ERR_ISSUER_MISMATCH: 'Set --issuer (the issuer option) to the token\'s exact "iss", or get a token from the issuer this resource trusts.',
  ERR_TOKEN_USE_MISMATCH: 'Send the kind of token the resource takes (an access token, not an ID token), or change --token-use (the tokenUse option).',
  ERR_CLIENT_ID_MISMATCH: 'Add the token\'s client to --client-id (the clientId option), or get the token with a client this resource accepts.',
  ERR_AUDIENCE_MISMATCH: 'Request the token for this resource\'s audience, or set --audience (the audience option) to a value of its "aud" claim.',
  ERR_CLAIM_REJECTED: 'Check the application\'s validate hook: it refused the token.',
  ERR_INSUFFICIENT_SCOPE: 'Request the token with the scopes the route requires, and allow the client those scopes at the issuer.',
  ERR_INSUFFICIENT_GROUP: 'Add the user to a group the route requires, or change the route\'s groups.',
  ERR_JWKS_UNAVAILABLE: 'Check that the JWKS URL answers 200 with a JSON key set, over https (plain http on loopback only), within the timeout.',
  ERR_KEY_LOOKUP_UNAVAILABLE: 'Wait until the issuer\'s JWKS answers again; the key may be new.',
  ERR_INSUFFICIENT_CLAIM: 'Have the issuer put the required value in the claim named above, or change the route\'s claim requirement.'
})
