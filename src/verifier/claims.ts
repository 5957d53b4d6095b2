/**
 * The claims rules (RFC 7519 §4.1, RFC 9068 §2.2, Cognito's access and ID token shapes, and the
 * client and scope claims each profile names; see profiles.ts).
 *
 * `exp`, `iat` and `sub` are required: Cognito and RFC 9068 always send them, and a token without
 * `exp` would live forever. Time claims must be finite numbers. `scope` is a space-separated string;
 * `cognito:groups` an array of strings.
 */
import {
  AudienceMismatchError,
  ClaimInvalidError,
  ClientIdMismatchError,
  TokenExpiredError,
  TokenLifetimeError,
  TokenNotYetValidError,
  TokenUseMismatchError
} from './errors.js'
import type { ResolvedIssuer, TokenUse } from './options.js'
import type { ResolvedProfile } from './profiles.js'

/**
 * RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). Also what makes a scope safe to
 * quote in a WWW-Authenticate `scope` attribute and in a log line.
 */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** The time limits of a token, in seconds since the epoch, once checked. */
export interface TokenTimes {
  readonly exp: number
  readonly nbf: number | undefined
}

function numericDate (payload: Readonly<Record<string, unknown>>, claim: string, required: boolean): number | undefined {
  const value = payload[claim]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ClaimInvalidError(claim, value === undefined
      ? `The token has no "${claim}" claim; it is required.`
      : `The token "${claim}" claim must be a number of seconds since the epoch.`)
  }
  return value
}

// A finite but huge NumericDate (nbf: 1e300) is no Date; toISOString would throw a RangeError,
// an uncoded 500 instead of the coded error the claim deserves.
function when (seconds: number): string {
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime()) ? `${seconds} seconds after the epoch` : date.toISOString()
}

/**
 * Checks that the token is inside its validity window at `nowSeconds`.
 * Run on every request, cached or not, so a cached token still expires on time.
 */
export function checkTimeWindow (times: TokenTimes, nowSeconds: number, toleranceSeconds: number): void {
  if (nowSeconds - toleranceSeconds >= times.exp) {
    throw new TokenExpiredError(`The token expired at ${when(times.exp)}; get a new one.`)
  }
  if (times.nbf !== undefined && nowSeconds + toleranceSeconds < times.nbf) {
    throw new TokenNotYetValidError('nbf', `The token is not valid before ${when(times.nbf)}; check the issuer's clock.`)
  }
}

/**
 * Checks `exp`, `nbf`, `iat` and the token's lifetime, and returns its time limits.
 */
export function checkTimeClaims (
  payload: Readonly<Record<string, unknown>>,
  nowSeconds: number,
  toleranceSeconds: number,
  maxLifetimeSeconds: number
): TokenTimes {
  const exp = numericDate(payload, 'exp', true) as number
  const iat = numericDate(payload, 'iat', true) as number
  const nbf = numericDate(payload, 'nbf', false)
  const times = { exp, nbf }
  checkTimeWindow(times, nowSeconds, toleranceSeconds)
  if (iat > nowSeconds + toleranceSeconds) {
    throw new TokenNotYetValidError('iat', `The token claims to be issued in the future (${when(iat)}); check the issuer's clock.`)
  }
  // With iat checked above, exp - iat bounds the time left too: exp - now <= max + tolerance.
  if (exp - iat > maxLifetimeSeconds) {
    throw new TokenLifetimeError(`The token lives longer than the accepted maximum of ${maxLifetimeSeconds} seconds.`)
  }
  return times
}

function optionalString (payload: Readonly<Record<string, unknown>>, claim: string): string | undefined {
  const value = payload[claim]
  if (value === undefined || typeof value === 'string') return value
  throw new ClaimInvalidError(claim, `The token "${claim}" claim must be a string.`)
}

function audienceList (payload: Readonly<Record<string, unknown>>): readonly string[] {
  const aud = payload.aud
  if (aud === undefined) return []
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud as string[]
  throw new ClaimInvalidError('aud', 'The token "aud" claim must be a string or an array of strings.')
}

const NONE: readonly string[] = Object.freeze([])

function checkedScopes (claim: string, scopes: readonly string[]): readonly string[] {
  // A CR, LF, tab, quote or backslash inside a scope is no scope at all (RFC 6749 §3.3): refusing
  // the token keeps such bytes out of replies and logs, and "a\tb" from passing as one scope.
  if (!scopes.every((s) => SCOPE_TOKEN.test(s))) {
    throw new ClaimInvalidError(claim, `The token "${claim}" claim holds characters a scope may not have (RFC 6749 §3.3).`)
  }
  return scopes
}

function scopeList (claim: string, scope: string | undefined): readonly string[] {
  if (scope === undefined || scope === '') return NONE
  return checkedScopes(claim, scope.split(' ').filter((s) => s !== ''))
}

/** The identity a verified token carries. */
export interface TokenIdentity {
  readonly sub: string
  /** `access` or `id` (cognito); `access` for every other profile, which accepts access tokens only. */
  readonly tokenUse: TokenUse | undefined
  readonly clientId: string | undefined
  readonly username: string | undefined
  readonly scopes: readonly string[]
  /** `cognito:groups` (cognito), or `groups` (RFC 9068 §2.2.3.1, and the other profiles). */
  readonly groups: readonly string[]
  /** `roles` (RFC 9068 §2.2.3.1); empty under the cognito profile. */
  readonly roles: readonly string[]
  /** `entitlements` (RFC 9068 §2.2.3.1); empty under the cognito profile. */
  readonly entitlements: readonly string[]
}

function stringArray (payload: Readonly<Record<string, unknown>>, claim: string): readonly string[] {
  const value = payload[claim]
  if (value === undefined) return NONE
  if (!(Array.isArray(value) && value.every((g) => typeof g === 'string'))) {
    throw new ClaimInvalidError(claim, `The token "${claim}" claim must be an array of strings.`)
  }
  return value as string[]
}

function checkClient (clientId: string | undefined, issuer: ResolvedIssuer): void {
  if (issuer.clientIds !== null && (clientId === undefined || !issuer.clientIds.has(clientId))) {
    throw new ClientIdMismatchError(`The token was issued to ${clientId === undefined ? 'no named client' : 'a client'} this resource does not accept.`)
  }
}

function checkAudience (audiences: readonly string[], issuer: ResolvedIssuer): void {
  if (issuer.audiences !== null && !audiences.some((a) => (issuer.audiences as ReadonlySet<string>).has(a))) {
    throw new AudienceMismatchError('The token is not meant for this resource: its "aud" claim names none of the accepted audiences.')
  }
}

function requiredSub (payload: Readonly<Record<string, unknown>>): string {
  const sub = optionalString(payload, 'sub')
  if (sub === undefined || sub.length === 0) {
    throw new ClaimInvalidError('sub', 'The token has no "sub" claim; it is required.')
  }
  return sub
}

/**
 * Checks `sub`, `token_use`, `client_id`/`aud`, `scope` and `cognito:groups` against the issuer's
 * rules (or, for another profile, those {@link checkProfileClaims} applies) and returns the
 * identity they describe. `iss` has already been matched to `issuer`.
 */
export function checkIdentityClaims (payload: Readonly<Record<string, unknown>>, issuer: ResolvedIssuer): TokenIdentity {
  if (issuer.profile.typ !== null) return checkProfileClaims(payload, issuer, issuer.profile)
  const sub = requiredSub(payload)

  const use = payload.token_use
  // Cognito always writes token_use. A token without it is another issuer's (an OIDC ID token
  // whose aud is the client id, say), so it is refused even when tokenUse is null.
  if (use === undefined) {
    throw new TokenUseMismatchError('The token has no "token_use" claim, which every Cognito token carries; for another issuer, configure its profile.')
  }
  if (use !== 'access' && use !== 'id') {
    throw new ClaimInvalidError('token_use', 'The token "token_use" claim must be "access" or "id".')
  }
  if (issuer.tokenUse !== null && use !== issuer.tokenUse) {
    throw new TokenUseMismatchError(`This resource accepts ${issuer.tokenUse} tokens only; the token's token_use is "${use}".`)
  }

  const audiences = audienceList(payload)
  const clientIdClaim = optionalString(payload, 'client_id')
  // Cognito puts the app client in client_id on access tokens and in aud on ID tokens.
  const clientId = use === 'id' ? audiences[0] : clientIdClaim
  checkClient(clientId, issuer)
  checkAudience(audiences, issuer)

  return {
    sub,
    tokenUse: use,
    clientId,
    username: optionalString(payload, use === 'id' ? 'cognito:username' : 'username'),
    scopes: scopeList('scope', optionalString(payload, 'scope')),
    groups: stringArray(payload, 'cognito:groups'),
    roles: NONE,
    entitlements: NONE
  }
}

function scopesOf (payload: Readonly<Record<string, unknown>>, claim: string): readonly string[] {
  const value = payload[claim]
  // Okta writes scp as an array of strings; everyone else a space-separated string.
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return checkedScopes(claim, value as string[])
  if (value !== undefined && typeof value !== 'string') throw new ClaimInvalidError(claim, `The token "${claim}" claim must be a string or an array of strings.`)
  return scopeList(claim, value)
}

/**
 * The access-token rules of every profile but cognito: RFC 9068 §2.2 (`aud`, `client_id`, `sub`,
 * `iat`, `exp`, `jti`) or the claims a mapped profile names. `aud` must name a configured
 * audience, which every such issuer has, and the client claim must be present.
 */
function checkProfileClaims (payload: Readonly<Record<string, unknown>>, issuer: ResolvedIssuer, profile: ResolvedProfile): TokenIdentity {
  const sub = requiredSub(payload)
  checkAudience(audienceList(payload), issuer)
  if (profile.requireJti) {
    const jti = optionalString(payload, 'jti')
    if (jti === undefined || jti.length === 0) throw new ClaimInvalidError('jti', 'The token has no "jti" claim; RFC 9068 §2.2 requires it.')
  }
  for (const [claim, accepted] of profile.requiredClaims) {
    const value = payload[claim]
    if (typeof value !== 'string' || !accepted.has(value)) {
      throw new TokenUseMismatchError(`The token's "${claim}" claim does not mark it as an access token.`)
    }
  }
  let clientId: string | undefined
  for (const claim of profile.clientIdClaims) {
    clientId = optionalString(payload, claim)
    if (clientId !== undefined) break
  }
  if (clientId === undefined || clientId.length === 0) {
    throw new ClaimInvalidError(profile.clientIdClaims[0] as string, `The token names no client in ${profile.clientIdClaims.map((c) => `"${c}"`).join(' or ')}; an access token must.`)
  }
  checkClient(clientId, issuer)
  return {
    sub,
    tokenUse: 'access',
    clientId,
    username: undefined,
    scopes: scopesOf(payload, profile.scopeClaim),
    groups: stringArray(payload, 'groups'),
    roles: stringArray(payload, 'roles'),
    entitlements: stringArray(payload, 'entitlements')
  }
}
