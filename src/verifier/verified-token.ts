/**
 * What a successful verification yields: the identity in Cognito's terms plus every claim.
 * Built once per token and frozen, so a cached token is shared safely between requests.
 */
import type { Algorithm } from './algorithms.js'
import type { TokenIdentity } from './claims.js'
import type { TokenUse } from './options.js'

/** The claims of a Cognito-style or RFC 9068 token; anything else the issuer adds is there too. */
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
  /** Whether the token's groups (`cognito:groups`, or RFC 9068's `groups`) contain `group`. */
  inGroup: (group: string) => boolean
}

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}

/**
 * A verified token: plain fields, lookups on the prototype, everything frozen. Built once per
 * token on a cache miss from the lists and claims the checks just built from the token's JSON,
 * which nothing else holds: they are frozen in place, not copied (a copy per token cost more than
 * the freeze, measured in `npm run bench`'s unique-token rows).
 */
class FrozenVerifiedToken implements VerifiedToken {
  readonly sub: string
  readonly tokenUse: TokenIdentity['tokenUse']
  readonly clientId: string | undefined
  readonly username: string | undefined
  readonly scopes: readonly string[]
  readonly groups: readonly string[]
  readonly roles: readonly string[]
  readonly entitlements: readonly string[]
  readonly issuer: string
  readonly alg: Algorithm
  readonly kid: string
  readonly expiresAt: number
  readonly claims: TokenClaims

  constructor (identity: TokenIdentity, header: { alg: Algorithm, kid: string }, issuer: string, payload: Readonly<Record<string, unknown>>) {
    this.sub = identity.sub
    this.tokenUse = identity.tokenUse
    this.clientId = identity.clientId
    this.username = identity.username
    // Frozen before the claims: deepFreeze skips a frozen array, which is safe because these
    // hold strings only (the claims checks refuse anything else).
    this.scopes = Object.freeze(identity.scopes)
    this.groups = Object.freeze(identity.groups)
    this.roles = Object.freeze(identity.roles)
    this.entitlements = Object.freeze(identity.entitlements)
    this.issuer = issuer
    this.alg = header.alg
    this.kid = header.kid
    this.expiresAt = payload.exp as number
    this.claims = deepFreeze(payload) as TokenClaims
    Object.freeze(this)
  }

  // Scope and group lists are a handful of entries: a linear scan beats building a Set per token.
  hasScope (scope: string): boolean {
    return this.scopes.includes(scope)
  }

  inGroup (group: string): boolean {
    return this.groups.includes(group)
  }
}

/** Freezes a verified token together with its scope and group lookups. */
export function createVerifiedToken (
  identity: TokenIdentity,
  header: { alg: Algorithm, kid: string },
  issuer: string,
  payload: Readonly<Record<string, unknown>>
): VerifiedToken {
  return new FrozenVerifiedToken(identity, header, issuer, payload)
}
