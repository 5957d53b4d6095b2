/**
 * Token profiles: what an issuer's access tokens look like, so that nothing else it signs (an ID
 * token, a logout token, a refresh token in JWT form) passes as one.
 *
 * - `cognito`: Cognito's shapes. `token_use` is required (`access` or `id`), the client is
 *   `client_id` (access) or `aud` (ID), groups are `cognito:groups`.
 * - `rfc9068`: RFC 9068 JWT access tokens, strictly: header `typ` `at+jwt`, and `aud`, `client_id`,
 *   `sub`, `iat`, `exp` and `jti` required (§2.1, §2.2, §4).
 * - a mapped profile (`auth0`, `okta`, `keycloak`, `entra`, or your own object): issuers whose
 *   access tokens are not RFC 9068's. It names the header `typ` values the issuer uses, the claim
 *   that holds the client, the one that holds the scopes, and claims an access token must carry.
 *
 * Every profile but `cognito` requires a configured `audience`, checked against `aud`: the one
 * claim that tells an access token for this API from an ID token, whose `aud` is a client id.
 */
import { OptionError } from './errors.js'
import { ACCEPTED_TYP } from './header.js'
import { describe, describeList } from './option-value.js'

/** A built-in profile, by name. */
export type ProfileName = 'cognito' | 'rfc9068' | 'auth0' | 'okta' | 'keycloak' | 'entra'

/**
 * A mapped profile: how an issuer that does not follow RFC 9068 writes its access tokens.
 *
 * @example
 * ```ts
 * const okta: MappedProfile = { typ: [null], clientIdClaim: 'cid', scopeClaim: 'scp' }
 * ```
 */
export interface MappedProfile {
  /** Accepted header `typ` values, compared case-insensitively; `null` accepts a header without `typ`. */
  typ: ReadonlyArray<string | null>
  /** The claim naming the client, or several tried in order (the first present counts). Required in every token. */
  clientIdClaim: string | readonly string[]
  /** The one claim holding the scopes: a space-separated string or an array of strings. Default `'scope'`. */
  scopeClaim?: string
  /** Claims an access token must carry, each with its accepted value(s), such as Keycloak's `{ typ: 'Bearer' }`. */
  requiredClaims?: Readonly<Record<string, string | readonly string[]>>
  /** Whether `jti` is required. Default false. */
  requireJti?: boolean
}

/** A profile after checking. */
export interface ResolvedProfile {
  readonly name: ProfileName | 'mapped'
  /** Accepted header `typ` values, lower-cased; `''` stands for no `typ`. `null` for cognito's own rule. */
  readonly typ: ReadonlySet<string> | null
  readonly clientIdClaims: readonly string[]
  readonly scopeClaim: string
  readonly requiredClaims: ReadonlyArray<readonly [string, ReadonlySet<string>]>
  readonly requireJti: boolean
}

const AT_JWT = ['at+jwt', 'application/at+jwt']

const BUILT_IN: Readonly<Record<Exclude<ProfileName, 'cognito'>, MappedProfile>> = {
  // RFC 9068 §2.1, §2.2.
  rfc9068: { typ: AT_JWT, clientIdClaim: 'client_id', requireJti: true },
  // Auth0's default dialect (`access_token`): typ JWT, the client in azp. Its rfc9068_profile
  // dialect is plain rfc9068.
  auth0: { typ: ['JWT', ...AT_JWT], clientIdClaim: ['client_id', 'azp'] },
  // Okta custom authorization servers: no typ at all, the client in cid, scopes as an array in scp.
  okta: { typ: [null], clientIdClaim: 'cid', scopeClaim: 'scp' },
  // Keycloak: typ JWT (at+jwt with the 26.2 client option), the client in azp, and a private typ
  // claim that says Bearer on access tokens and ID on ID tokens.
  keycloak: { typ: ['JWT', ...AT_JWT], clientIdClaim: 'azp', requiredClaims: { typ: ['Bearer', 'bearer'] } },
  // Entra ID: typ JWT, the client in azp (v2) or appid (v1), delegated scopes in scp as a string.
  entra: { typ: ['JWT'], clientIdClaim: ['azp', 'appid'], scopeClaim: 'scp' }
}

const PROFILE_KEYS = new Set(['typ', 'clientIdClaim', 'scopeClaim', 'requiredClaims', 'requireJti'])
const CLAIM_NAME = /^[\x21-\x7E]{1,256}$/

/** The profile of issuers that say nothing: cognito, today's rules. */
export const COGNITO_PROFILE: ResolvedProfile = Object.freeze({
  name: 'cognito',
  typ: null,
  clientIdClaims: Object.freeze(['client_id']),
  scopeClaim: 'scope',
  requiredClaims: Object.freeze([]),
  requireJti: false
})

function isClaimName (value: unknown): boolean {
  return typeof value === 'string' && CLAIM_NAME.test(value)
}

function claimNames (name: string, value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0 || !list.every(isClaimName)) {
    throw new OptionError(name, `must be a claim name or a non-empty array of them (printable ASCII, no spaces) (got ${describeList(list, isClaimName)})`)
  }
  return Object.freeze([...list as string[]])
}

// One claim, not a list: a token's scopes are read from one place, and a list that silently
// used its first name would drop the rest.
function scopeClaim (name: string, value: unknown): string {
  if (!isClaimName(value)) throw new OptionError(name, `must be one claim name (printable ASCII, no spaces) (got ${describe(value)})`)
  return value as string
}

function isTyp (value: unknown): boolean {
  return value === null || (typeof value === 'string' && ACCEPTED_TYP.has(value.toLowerCase()))
}

function mapped (name: string, profile: ProfileName | 'mapped', input: MappedProfile): ResolvedProfile {
  for (const key of Object.keys(input)) {
    if (!PROFILE_KEYS.has(key) && (input as unknown as Record<string, unknown>)[key] !== undefined) throw new OptionError(`${name}.${key}`, 'is not a known profile member')
  }
  const typ = input.typ
  if (!Array.isArray(typ) || typ.length === 0 || !typ.every(isTyp)) {
    throw new OptionError(`${name}.typ`, `must be a non-empty array drawn from JWT, at+jwt, application/jwt, application/at+jwt, and null for no typ (got ${describeList(typ, isTyp)})`)
  }
  const required: Array<readonly [string, ReadonlySet<string>]> = []
  if (input.requiredClaims !== undefined) {
    if (typeof input.requiredClaims !== 'object' || input.requiredClaims === null || Array.isArray(input.requiredClaims)) {
      throw new OptionError(`${name}.requiredClaims`, `must be an object of claim names to accepted string values (got ${describe(input.requiredClaims)})`)
    }
    for (const [claim, values] of Object.entries(input.requiredClaims)) {
      if (values === undefined) continue
      claimNames(`${name}.requiredClaims`, claim)
      required.push([claim, new Set(claimNames(`${name}.requiredClaims.${claim}`, values))])
    }
  }
  if (input.requireJti !== undefined && typeof input.requireJti !== 'boolean') throw new OptionError(`${name}.requireJti`, `must be true or false (got ${describe(input.requireJti)})`)
  return Object.freeze({
    name: profile,
    typ: new Set(typ.map((t) => t === null ? '' : t.toLowerCase())),
    clientIdClaims: claimNames(`${name}.clientIdClaim`, input.clientIdClaim),
    scopeClaim: input.scopeClaim === undefined ? 'scope' : scopeClaim(`${name}.scopeClaim`, input.scopeClaim),
    requiredClaims: Object.freeze(required),
    requireJti: input.requireJti === true
  })
}

/**
 * Checks a `profile` option: a built-in name or a {@link MappedProfile}.
 *
 * @example
 * ```ts
 * resolveProfile('profile', 'rfc9068').typ // Set { 'at+jwt', 'application/at+jwt' }
 * ```
 */
export function resolveProfile (name: string, value: unknown): ResolvedProfile {
  if (value === 'cognito') return COGNITO_PROFILE
  if (typeof value === 'string' && Object.hasOwn(BUILT_IN, value)) {
    return mapped(name, value as ProfileName, BUILT_IN[value as keyof typeof BUILT_IN])
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return mapped(name, 'mapped', value as MappedProfile)
  throw new OptionError(name, `must be one of 'cognito', ${Object.keys(BUILT_IN).map((n) => `'${n}'`).join(', ')}, or a mapped profile object (got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value)})`)
}
