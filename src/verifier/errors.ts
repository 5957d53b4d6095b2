/**
 * Every failure the verifier can report, one class per failure, each with a stable `code`.
 *
 * Codes are public API: once published they are never reused for another meaning. Messages tell
 * the caller what to fix and never contain the token. `kind` says how an HTTP edge should answer
 * (RFC 6750 §3.1), so the verifier stays free of HTTP.
 */

/** How a failure maps onto RFC 6750: the `error` attribute, or `unavailable` (no keys to be had). */
export type FailureKind = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'unavailable'

/**
 * Base class of every error this package throws at request time.
 *
 * @example
 * ```ts
 * try { await verifier.verify(token) } catch (err) {
 *   if (err instanceof ResourceServerError) console.log(err.code, err.kind)
 * }
 * ```
 */
export abstract class ResourceServerError extends Error {
  constructor (message: string) {
    // Refusals are expected control flow, and a flood of forged tokens makes many of them:
    // capturing a stack trace would cost more than the check itself, and it is never logged.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
  }

  /** Stable machine-readable code, such as `ERR_TOKEN_EXPIRED`. */
  abstract readonly code: string
  /** How an HTTP edge should answer this failure. */
  abstract readonly kind: FailureKind
  override get name (): string { return this.constructor.name }
}

/** The request is malformed: several tokens, a broken `Authorization` header (400 `invalid_request`). */
export abstract class InvalidRequestError extends ResourceServerError {
  readonly kind = 'invalid_request' as const
}

/** The token is malformed, expired, forged or not meant for us (401 `invalid_token`). */
export abstract class InvalidTokenError extends ResourceServerError {
  readonly kind = 'invalid_token' as const
}

/** The token is valid but does not grant what the route needs (403 `insufficient_scope`). */
export abstract class ForbiddenError extends ResourceServerError {
  readonly kind = 'insufficient_scope' as const
}

/** No credentials were sent at all (401 with a bare `Bearer` challenge, RFC 6750 §3.1). */
export class CredentialsMissingError extends ResourceServerError {
  readonly code = 'ERR_CREDENTIALS_MISSING'
  readonly kind = 'invalid_token' as const
  constructor () { super('This resource requires a bearer token in the Authorization header.') }
}

/** More than one token, or a token sent by a method other than the Authorization header. */
export class MultipleTokensError extends InvalidRequestError {
  readonly code = 'ERR_MULTIPLE_TOKENS'
}

/** The Authorization header names the Bearer scheme but carries no usable credentials. */
export class AuthorizationMalformedError extends InvalidRequestError {
  readonly code = 'ERR_AUTHORIZATION_MALFORMED'
}

/** The token is longer than `maxTokenBytes`; nothing of it was decoded. */
export class TokenTooLargeError extends InvalidTokenError {
  readonly code = 'ERR_TOKEN_TOO_LARGE'
}

/** The token is not a compact JWS: segments, base64url or JSON are wrong. */
export class TokenMalformedError extends InvalidTokenError {
  readonly code = 'ERR_TOKEN_MALFORMED'
}

/** The header's `alg` is not in the allowlist (`none` and HMAC never are). */
export class AlgorithmNotAllowedError extends InvalidTokenError {
  readonly code = 'ERR_ALG_NOT_ALLOWED'
}

/** The header's `alg` does not fit the key the `kid` names (its `kty`, `crv` or `alg`). */
export class AlgorithmKeyMismatchError extends InvalidTokenError {
  readonly code = 'ERR_ALG_KEY_MISMATCH'
}

/** A header member is not acceptable: `crit`, a missing `kid`, a wrong `typ`. */
export class HeaderInvalidError extends InvalidTokenError {
  readonly code = 'ERR_HEADER_INVALID'
  constructor (readonly member: string, message: string) { super(message) }
}

/** No key in the issuer's JWKS has the token's `kid`, even after a refresh. */
export class KeyNotFoundError extends InvalidTokenError {
  readonly code = 'ERR_KEY_NOT_FOUND'
}

/** The signature does not verify with the issuer's key. */
export class SignatureInvalidError extends InvalidTokenError {
  readonly code = 'ERR_SIGNATURE_INVALID'
  constructor () { super('The token signature is invalid.') }
}

/** `exp` has passed (beyond the clock tolerance). */
export class TokenExpiredError extends InvalidTokenError {
  readonly code = 'ERR_TOKEN_EXPIRED'
}

/** `nbf` or `iat` lies in the future (beyond the clock tolerance). */
export class TokenNotYetValidError extends InvalidTokenError {
  readonly code = 'ERR_TOKEN_NOT_YET_VALID'
  constructor (readonly claim: 'nbf' | 'iat', message: string) { super(message) }
}

/** The token lives longer than `maxTokenLifetimeSeconds`. */
export class TokenLifetimeError extends InvalidTokenError {
  readonly code = 'ERR_TOKEN_LIFETIME_TOO_LONG'
}

/** A claim is missing or has the wrong type. */
export class ClaimInvalidError extends InvalidTokenError {
  readonly code = 'ERR_CLAIM_INVALID'
  constructor (readonly claim: string, message: string) { super(message) }
}

/** `iss` is not one of the configured issuers. */
export class IssuerMismatchError extends InvalidTokenError {
  readonly code = 'ERR_ISSUER_MISMATCH'
  /**
   * The token's `iss`, escaped and cut to be safe in a log line; `undefined` when the token has
   * none. A claim, not a secret: the plugin logs it with the refusal.
   */
  constructor (message: string, readonly iss?: string) { super(message) }
}

/** `token_use` is not the one expected (an ID token sent where an access token belongs). */
export class TokenUseMismatchError extends InvalidTokenError {
  readonly code = 'ERR_TOKEN_USE_MISMATCH'
}

/** `client_id` (access tokens) or `aud` (ID tokens) is not in the `clientId` allowlist. */
export class ClientIdMismatchError extends InvalidTokenError {
  readonly code = 'ERR_CLIENT_ID_MISMATCH'
}

/** `aud` does not contain any of the configured audiences (RFC 9068 §4). */
export class AudienceMismatchError extends InvalidTokenError {
  readonly code = 'ERR_AUDIENCE_MISMATCH'
}

/** The application's own claim check (`validate`) rejected the token. */
export class ClaimRejectedError extends InvalidTokenError {
  readonly code = 'ERR_CLAIM_REJECTED'
  constructor (message = 'The token was rejected by the application\'s claim check.') { super(message) }
}

/** The token lacks a scope the route requires. */
export class InsufficientScopeError extends ForbiddenError {
  readonly code = 'ERR_INSUFFICIENT_SCOPE'
  /** The scopes that would satisfy the route, for the challenge's `scope` attribute. */
  constructor (readonly scopes: readonly string[], message: string) { super(message) }
}

/** The token's `cognito:groups` lack a group the route requires. */
export class InsufficientGroupError extends ForbiddenError {
  readonly code = 'ERR_INSUFFICIENT_GROUP'
}

/**
 * The token's claims do not hold what the route requires (`claims` or `anyClaims`). The token is
 * valid, so this is 403 `insufficient_scope` (RFC 6750 §3.1: "requires higher privileges than
 * provided by the access token"), not `invalid_token`, which would send the client to get the same
 * token again; no `scope` attribute is sent, since no scope would help.
 */
export class InsufficientClaimError extends ForbiddenError {
  readonly code = 'ERR_INSUFFICIENT_CLAIM'
  /** The claim paths, as the route wrote them, that the token does not meet. */
  constructor (readonly claims: readonly string[], message: string) { super(message) }
}

/**
 * No keys could be obtained from the issuer (cold cache and the JWKS endpoint failing).
 * The token is not known to be bad, so an HTTP edge answers 503, not 401.
 */
export class JwksUnavailableError extends ResourceServerError {
  readonly code: string = 'ERR_JWKS_UNAVAILABLE'
  readonly kind = 'unavailable' as const
  /** Milliseconds until the next fetch attempt, for `Retry-After`. */
  constructor (message: string, readonly retryAfterMs: number) { super(message) }
}

/**
 * The token's `kid` is not among the keys in hand, and the issuer's JWKS cannot be fetched to
 * look for it (a failed download, or its back-off). The key may well be new, so this is a 503
 * with `Retry-After`, not a 401: a failed fetch is not a missing key.
 */
export class KeyLookupUnavailableError extends JwksUnavailableError {
  override readonly code = 'ERR_KEY_LOOKUP_UNAVAILABLE'
}

/** Every code above, for documentation tests and exhaustive switches. */
export const ERROR_CODES = [
  'ERR_CREDENTIALS_MISSING',
  'ERR_MULTIPLE_TOKENS',
  'ERR_AUTHORIZATION_MALFORMED',
  'ERR_TOKEN_TOO_LARGE',
  'ERR_TOKEN_MALFORMED',
  'ERR_ALG_NOT_ALLOWED',
  'ERR_ALG_KEY_MISMATCH',
  'ERR_HEADER_INVALID',
  'ERR_KEY_NOT_FOUND',
  'ERR_SIGNATURE_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_TOKEN_LIFETIME_TOO_LONG',
  'ERR_CLAIM_INVALID',
  'ERR_ISSUER_MISMATCH',
  'ERR_TOKEN_USE_MISMATCH',
  'ERR_CLIENT_ID_MISMATCH',
  'ERR_AUDIENCE_MISMATCH',
  'ERR_CLAIM_REJECTED',
  'ERR_INSUFFICIENT_SCOPE',
  'ERR_INSUFFICIENT_GROUP',
  'ERR_JWKS_UNAVAILABLE',
  'ERR_KEY_LOOKUP_UNAVAILABLE',
  'ERR_INSUFFICIENT_CLAIM'
] as const

/** One of the stable error codes. */
export type ErrorCode = typeof ERROR_CODES[number]

/**
 * Thrown at construction or registration when an option is wrong. It names the option.
 */
export class OptionError extends TypeError {
  readonly code = 'ERR_INVALID_OPTION'
  /**
   * @param option - the option's name, such as `config.auth.scopes`.
   * @param expected - what is wrong, the message without the option's name.
   */
  constructor (readonly option: string, readonly expected: string) {
    super(`fastify-resource-server: option "${option}" ${expected}`)
  }

  override get name (): string { return 'TypeError' }
}
