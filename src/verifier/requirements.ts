/**
 * Authorization, the step after authentication: does a verified token grant what a route needs?
 * Scopes, Cognito groups and any other claim (each all-of and any-of), and `token_use`.
 *
 * Kept apart from verification on purpose (as oauth4webapi does): a valid token that lacks a
 * scope is a 403, not a 401.
 */
import { SCOPE_TOKEN } from './claims.js'
import { compileClaims, firstUnmetClaim, meetsAnyClaim, type ClaimRequirements, type CompiledClaim } from './claim-requirements.js'
import type { TokenUse } from './options.js'
import {
  InsufficientClaimError,
  InsufficientGroupError,
  InsufficientScopeError,
  OptionError,
  TokenUseMismatchError
} from './errors.js'
import { describe, describeList } from './option-value.js'
import type { VerifiedToken } from './verified-token.js'

/** What a route requires of a verified token. Every member is optional. */
export interface Requirements {
  /** Every one of these scopes, such as `transactions/post`. */
  scopes?: string | readonly string[]
  /** At least one of these scopes. */
  anyScopes?: readonly string[]
  /** Membership in every one of these `cognito:groups`. */
  groups?: string | readonly string[]
  /** Membership in at least one of these `cognito:groups`. */
  anyGroups?: readonly string[]
  /**
   * Every one of these claim values: a claim path (`realm_access.roles`, or
   * `["https://example.com/roles"]` for a name with dots) mapped to a value or a list of values.
   * A list needs every value, as `scopes` does; an array claim holds a value it contains.
   */
  claims?: ClaimRequirements
  /** At least one of these claim values (a list gives the accepted alternatives). */
  anyClaims?: ClaimRequirements
  /** The token must be of this `token_use`. */
  tokenUse?: TokenUse
}

/** Requirements after checking, ready to be applied on the hot path. */
export interface CompiledRequirements {
  readonly scopes: readonly string[]
  readonly anyScopes: readonly string[]
  readonly groups: readonly string[]
  readonly anyGroups: readonly string[]
  readonly claims: readonly CompiledClaim[]
  readonly anyClaims: readonly CompiledClaim[]
  readonly tokenUse: TokenUse | undefined
  /** False when there is nothing to check, so the hot path can skip it. */
  readonly any: boolean
}

const KEYS = new Set(['scopes', 'anyScopes', 'groups', 'anyGroups', 'claims', 'anyClaims', 'tokenUse'])

function list (name: string, value: unknown, pattern: RegExp | undefined): readonly string[] {
  if (value === undefined) return []
  const items = typeof value === 'string' ? [value] : value
  const isItem = (s: unknown): boolean => typeof s === 'string' && s.length > 0 && (pattern === undefined || pattern.test(s))
  if (!Array.isArray(items) || !items.every(isItem)) {
    throw new OptionError(name, `${pattern === undefined
      ? 'must be a non-empty string or an array of them'
      : 'must be a scope or an array of scopes; a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)'} (got ${describeList(items, isItem)})`)
  }
  return Object.freeze([...new Set(items as string[])])
}

/** The requirements that check nothing. */
export const NO_REQUIREMENTS: CompiledRequirements = compileRequirements('requirements', {})

/**
 * Checks route requirements once, at registration.
 *
 * @param name - the option path to name in a TypeError, such as `config.auth`.
 * @example
 * ```ts
 * const needs = compileRequirements('config.auth', { scopes: ['transactions/post'] })
 * ```
 */
export function compileRequirements (name: string, input: Requirements): CompiledRequirements {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new OptionError(name, `must be an object (got ${describe(input)})`)
  for (const [key, value] of Object.entries(input)) {
    if (!KEYS.has(key) && value !== undefined) throw new OptionError(`${name}.${key}`, `is not a known requirement (${[...KEYS].join(', ')}) (got ${describe(value)})`)
  }
  const anyScopes = list(`${name}.anyScopes`, input.anyScopes, SCOPE_TOKEN)
  const anyGroups = list(`${name}.anyGroups`, input.anyGroups, undefined)
  if (input.anyScopes !== undefined && anyScopes.length === 0) throw new OptionError(`${name}.anyScopes`, 'must not be empty: no token could satisfy it')
  if (input.anyGroups !== undefined && anyGroups.length === 0) throw new OptionError(`${name}.anyGroups`, 'must not be empty: no token could satisfy it')
  const tokenUse = input.tokenUse
  if (tokenUse !== undefined && tokenUse !== 'access' && tokenUse !== 'id') {
    throw new OptionError(`${name}.tokenUse`, `must be 'access' or 'id' (got ${describe(tokenUse)})`)
  }
  const compiled = {
    scopes: list(`${name}.scopes`, input.scopes, SCOPE_TOKEN),
    anyScopes,
    groups: list(`${name}.groups`, input.groups, undefined),
    anyGroups,
    claims: compileClaims(`${name}.claims`, input.claims, false),
    anyClaims: compileClaims(`${name}.anyClaims`, input.anyClaims, true),
    tokenUse
  }
  const count = compiled.scopes.length + anyScopes.length + compiled.groups.length + anyGroups.length + compiled.claims.length + compiled.anyClaims.length
  return Object.freeze({ ...compiled, any: count > 0 || tokenUse !== undefined })
}

// Loops, not filter(): a token that meets the route allocates nothing.
/** True when `token` holds every one of `scopes`. */
export function hasEveryScope (token: VerifiedToken, scopes: readonly string[]): boolean {
  for (const scope of scopes) if (!token.hasScope(scope)) return false
  return true
}

function inEveryGroup (token: VerifiedToken, groups: readonly string[]): boolean {
  for (const group of groups) if (!token.inGroup(group)) return false
  return true
}

/**
 * Throws when `token` does not meet `needs`.
 *
 * @throws {TokenUseMismatchError} when the route takes the other `token_use` (401).
 * @throws {InsufficientScopeError} when a scope is missing (403).
 * @throws {InsufficientGroupError} when a group is missing (403).
 * @throws {InsufficientClaimError} when a claim does not hold a required value (403).
 * @example
 * ```ts
 * checkRequirements(await verifier.verify(bearer), compileRequirements('admin', { claims: { 'realm_access.roles': 'admin' } }))
 * ```
 */
export function checkRequirements (token: VerifiedToken, needs: CompiledRequirements): void {
  if (!needs.any) return
  if (needs.tokenUse !== undefined && token.tokenUse !== needs.tokenUse) {
    throw new TokenUseMismatchError(`This route accepts ${needs.tokenUse} tokens only.`)
  }
  if (!hasEveryScope(token, needs.scopes)) {
    const missing = needs.scopes.filter((s) => !token.hasScope(s))
    throw new InsufficientScopeError(needs.scopes, `The token lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(' ')} required here.`)
  }
  if (needs.anyScopes.length > 0 && !needs.anyScopes.some((s) => token.hasScope(s))) {
    throw new InsufficientScopeError(needs.anyScopes, `The token needs one of the scopes ${needs.anyScopes.join(' ')} here.`)
  }
  if (!inEveryGroup(token, needs.groups)) {
    throw new InsufficientGroupError('The token\'s user is not in every group this route requires.')
  }
  if (needs.anyGroups.length > 0 && !needs.anyGroups.some((g) => token.inGroup(g))) {
    throw new InsufficientGroupError('The token\'s user is in none of the groups this route accepts.')
  }
  const unmet = firstUnmetClaim(token.claims, needs.claims)
  if (unmet !== undefined) {
    throw new InsufficientClaimError([unmet.path], `The token's ${unmet.path} claim does not hold what this route requires.`)
  }
  if (needs.anyClaims.length > 0 && !meetsAnyClaim(token.claims, needs.anyClaims)) {
    const paths = needs.anyClaims.map((need) => need.path)
    throw new InsufficientClaimError(paths, `The token's claims (${paths.join(', ')}) hold none of the values this route accepts.`)
  }
}
