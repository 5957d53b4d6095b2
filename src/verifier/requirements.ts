/**
 * Authorization, the step after authentication: does a verified token grant what a route needs?
 * Scopes (all-of and any-of), Cognito groups (all-of and any-of) and `token_use`.
 *
 * Kept apart from verification on purpose (as oauth4webapi does): a valid token that lacks a
 * scope is a 403, not a 401.
 */
import type { TokenUse } from './options.js'
import {
  InsufficientGroupError,
  InsufficientScopeError,
  OptionError,
  TokenUseMismatchError
} from './errors.js'
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
  /** The token must be of this `token_use`. */
  tokenUse?: TokenUse
}

/** Requirements after checking, ready to be applied on the hot path. */
export interface CompiledRequirements {
  readonly scopes: readonly string[]
  readonly anyScopes: readonly string[]
  readonly groups: readonly string[]
  readonly anyGroups: readonly string[]
  readonly tokenUse: TokenUse | undefined
  /** False when there is nothing to check, so the hot path can skip it. */
  readonly any: boolean
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), which also makes it safe to
// quote in a WWW-Authenticate scope attribute.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/
const KEYS = new Set(['scopes', 'anyScopes', 'groups', 'anyGroups', 'tokenUse'])

function list (name: string, value: unknown, pattern: RegExp | undefined): readonly string[] {
  if (value === undefined) return []
  const items = typeof value === 'string' ? [value] : value
  if (!Array.isArray(items) || !items.every((s) => typeof s === 'string' && s.length > 0 && (pattern === undefined || pattern.test(s)))) {
    throw new OptionError(name, pattern === undefined
      ? 'must be a non-empty string or an array of them'
      : 'must be a scope or an array of scopes; a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)')
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
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new OptionError(name, 'must be an object')
  for (const key of Object.keys(input)) {
    if (!KEYS.has(key)) throw new OptionError(`${name}.${key}`, 'is not a known requirement (scopes, anyScopes, groups, anyGroups, tokenUse)')
  }
  const anyScopes = list(`${name}.anyScopes`, input.anyScopes, SCOPE_TOKEN)
  const anyGroups = list(`${name}.anyGroups`, input.anyGroups, undefined)
  if (input.anyScopes !== undefined && anyScopes.length === 0) throw new OptionError(`${name}.anyScopes`, 'must not be empty: no token could satisfy it')
  if (input.anyGroups !== undefined && anyGroups.length === 0) throw new OptionError(`${name}.anyGroups`, 'must not be empty: no token could satisfy it')
  const tokenUse = input.tokenUse
  if (tokenUse !== undefined && tokenUse !== 'access' && tokenUse !== 'id') {
    throw new OptionError(`${name}.tokenUse`, "must be 'access' or 'id'")
  }
  const compiled = {
    scopes: list(`${name}.scopes`, input.scopes, SCOPE_TOKEN),
    anyScopes,
    groups: list(`${name}.groups`, input.groups, undefined),
    anyGroups,
    tokenUse
  }
  return Object.freeze({
    ...compiled,
    any: compiled.scopes.length + anyScopes.length + compiled.groups.length + anyGroups.length > 0 || tokenUse !== undefined
  })
}

/**
 * Throws when `token` does not meet `needs`.
 *
 * @throws {TokenUseMismatchError} when the route takes the other `token_use` (401).
 * @throws {InsufficientScopeError} when a scope is missing (403).
 * @throws {InsufficientGroupError} when a group is missing (403).
 */
export function checkRequirements (token: VerifiedToken, needs: CompiledRequirements): void {
  if (!needs.any) return
  if (needs.tokenUse !== undefined && token.tokenUse !== needs.tokenUse) {
    throw new TokenUseMismatchError(`This route accepts ${needs.tokenUse} tokens only.`)
  }
  const missing = needs.scopes.filter((s) => !token.hasScope(s))
  if (missing.length > 0) {
    throw new InsufficientScopeError(needs.scopes, `The token lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(' ')} required here.`)
  }
  if (needs.anyScopes.length > 0 && !needs.anyScopes.some((s) => token.hasScope(s))) {
    throw new InsufficientScopeError(needs.anyScopes, `The token needs one of the scopes ${needs.anyScopes.join(' ')} here.`)
  }
  const missingGroups = needs.groups.filter((g) => !token.inGroup(g))
  if (missingGroups.length > 0) {
    throw new InsufficientGroupError('The token\'s user is not in every group this route requires.')
  }
  if (needs.anyGroups.length > 0 && !needs.anyGroups.some((g) => token.inGroup(g))) {
    throw new InsufficientGroupError('The token\'s user is in none of the groups this route accepts.')
  }
}
