/**
 * The claims rules (RFC 7519 §4.1, RFC 9068 §2.2, Cognito's access and ID token shapes).
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

function scopeList (scope: string | undefined): readonly string[] {
  if (scope === undefined || scope === '') return []
  const scopes = scope.split(' ').filter((s) => s !== '')
  // A CR, LF, tab, quote or backslash inside a scope is no scope at all (RFC 6749 §3.3): refusing
  // the token keeps such bytes out of replies and logs, and "a\tb" from passing as one scope.
  if (!scopes.every((s) => SCOPE_TOKEN.test(s))) {
    throw new ClaimInvalidError('scope', 'The token "scope" claim holds characters a scope may not have (RFC 6749 §3.3).')
  }
  return scopes
}

/** The identity a verified token carries, in Cognito's terms. */
export interface TokenIdentity {
  readonly sub: string
  readonly tokenUse: TokenUse | undefined
  readonly clientId: string | undefined
  readonly username: string | undefined
  readonly scopes: readonly string[]
  readonly groups: readonly string[]
}

/**
 * Checks `sub`, `token_use`, `client_id`/`aud`, `scope` and `cognito:groups` against the issuer's
 * rules and returns the identity they describe. `iss` has already been matched to `issuer`.
 */
export function checkIdentityClaims (payload: Readonly<Record<string, unknown>>, issuer: ResolvedIssuer): TokenIdentity {
  const sub = optionalString(payload, 'sub')
  if (sub === undefined || sub.length === 0) {
    throw new ClaimInvalidError('sub', 'The token has no "sub" claim; it is required.')
  }

  const use = payload.token_use
  if (use !== undefined && use !== 'access' && use !== 'id') {
    throw new ClaimInvalidError('token_use', 'The token "token_use" claim must be "access" or "id".')
  }
  if (issuer.tokenUse !== null && use !== issuer.tokenUse) {
    throw new TokenUseMismatchError(`This resource accepts ${issuer.tokenUse} tokens only; the token's token_use is ${use === undefined ? 'missing' : `"${use as string}"`}.`)
  }

  const audiences = audienceList(payload)
  const clientIdClaim = optionalString(payload, 'client_id')
  // Cognito puts the app client in client_id on access tokens and in aud on ID tokens.
  const clientId = use === 'id' ? audiences[0] : clientIdClaim ?? (use === undefined ? audiences[0] : undefined)
  if (issuer.clientIds !== null && (clientId === undefined || !issuer.clientIds.has(clientId))) {
    throw new ClientIdMismatchError(`The token was issued to ${clientId === undefined ? 'no named client' : 'a client'} this resource does not accept.`)
  }
  if (issuer.audiences !== null && !audiences.some((a) => (issuer.audiences as ReadonlySet<string>).has(a))) {
    throw new AudienceMismatchError('The token is not meant for this resource: its "aud" claim names none of the accepted audiences.')
  }

  const scope = optionalString(payload, 'scope')
  const groups = payload['cognito:groups']
  if (groups !== undefined && !(Array.isArray(groups) && groups.every((g) => typeof g === 'string'))) {
    throw new ClaimInvalidError('cognito:groups', 'The token "cognito:groups" claim must be an array of strings.')
  }
  return {
    sub,
    tokenUse: use as TokenUse | undefined,
    clientId,
    username: optionalString(payload, use === 'id' ? 'cognito:username' : 'username'),
    scopes: scopeList(scope),
    groups: (groups as string[] | undefined) ?? []
  }
}
