/**
 * What a successful verification yields: the identity in Cognito's terms plus every claim.
 * Built once per token and frozen, so a cached token is shared safely between requests.
 */
import type { Algorithm } from './algorithms.js'
import type { TokenIdentity } from './claims.js'
import type { TokenUse } from './options.js'

/** The claims of a Cognito-style token; anything else the issuer adds is there too. */
export interface TokenClaims {
  readonly iss: string
  readonly sub: string
  readonly exp: number
  readonly iat: number
  readonly nbf?: number
  readonly jti?: string
  readonly aud?: string | readonly string[]
  readonly scope?: string
  readonly client_id?: string
  readonly token_use?: TokenUse
  readonly username?: string
  readonly auth_time?: number
  readonly 'cognito:groups'?: readonly string[]
  readonly 'cognito:username'?: string
  readonly [claim: string]: unknown
}

/**
 * A verified token.
 *
 * @example
 * ```ts
 * const token = await verifier.verify(bearer)
 * if (token.hasScope('transactions/post')) { … }
 * ```
 */
export interface VerifiedToken extends TokenIdentity {
  /** The issuer the token was matched to (its exact `iss`). */
  readonly issuer: string
  /** The signing algorithm and key id from the header. */
  readonly alg: Algorithm
  readonly kid: string
  /** Expiry, in seconds since the epoch. */
  readonly expiresAt: number
  /** Every claim of the payload. */
  readonly claims: TokenClaims
  /** Whether the token carries `scope`. */
  hasScope: (scope: string) => boolean
  /** Whether `cognito:groups` contains `group`. */
  inGroup: (group: string) => boolean
}

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}

/** Freezes a verified token together with its fast scope and group lookups. */
export function createVerifiedToken (
  identity: TokenIdentity,
  header: { alg: Algorithm, kid: string },
  issuer: string,
  payload: Readonly<Record<string, unknown>>
): VerifiedToken {
  const scopes = new Set(identity.scopes)
  const groups = new Set(identity.groups)
  return Object.freeze({
    ...identity,
    scopes: Object.freeze([...identity.scopes]),
    groups: Object.freeze([...identity.groups]),
    issuer,
    alg: header.alg,
    kid: header.kid,
    expiresAt: payload.exp as number,
    claims: deepFreeze({ ...payload }) as TokenClaims,
    hasScope: (scope: string) => scopes.has(scope),
    inGroup: (group: string) => groups.has(group)
  })
}
