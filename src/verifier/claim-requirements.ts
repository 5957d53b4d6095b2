/**
 * Claim requirements: a route may require any claim of the token, not only scopes and groups,
 * such as Keycloak's `realm_access.roles`, Auth0's `permissions` or RFC 9068's `roles`.
 *
 * Each path–value pair works like a scope: `claims` needs every pair, `anyClaims` at least one.
 * A claim holds a value when it equals it (strings, numbers and booleans, compared exactly, no
 * coercion: `"1"` is not `1`, `"true"` is not `true`), or when it is an array with that value among
 * its elements. A list under `claims` therefore needs every value, as `scopes` does: misread, it
 * refuses too much rather than too little.
 */
import { claimAt, parseClaimPath, type ClaimPath } from './claim-path.js'
import { OptionError } from './errors.js'

/** A value a claim may be required to hold. */
export type ClaimValue = string | number | boolean

/**
 * Claim paths (see {@link parseClaimPath}) mapped to one value or a list of values.
 *
 * @example
 * ```ts
 * const needs: ClaimRequirements = { 'realm_access.roles': 'admin', '["https://example.com/tenant"]': 'acme' }
 * ```
 */
export type ClaimRequirements = Readonly<Record<string, ClaimValue | readonly ClaimValue[]>>

/** One claim path and the values required of it, checked and parsed. */
export interface CompiledClaim {
  /** The path as the route wrote it, for messages. */
  readonly path: string
  readonly names: ClaimPath
  readonly values: readonly ClaimValue[]
}

function isClaimValue (value: unknown): value is ClaimValue {
  return (typeof value === 'string' && value.length > 0) || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
}

// The value as the route wrote it, for the TypeError: a string quoted, so "1" and 1 read apart.
function shown (value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(shown).join(', ')}]`
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'bigint') return `${value}n`
  return value === null || typeof value !== 'object' ? String(value) : 'an object'
}

/**
 * Checks a `claims` or `anyClaims` member once, at registration.
 *
 * @param name - the option to name in a TypeError, such as `config.auth.claims`.
 * @param anyOf - true for `anyClaims`, which no token could satisfy when empty.
 * @throws {TypeError} naming the member and the value, such as `config.auth.claims.realm_access.roles`.
 * @example
 * ```ts
 * compileClaims('config.auth.claims', { 'realm_access.roles': 'admin' }, false)
 * ```
 */
export function compileClaims (name: string, input: unknown, anyOf: boolean): readonly CompiledClaim[] {
  if (input === undefined) return []
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new OptionError(name, `must be an object of claim paths and required values (got ${shown(input)})`)
  }
  const compiled = Object.entries(input).map(([path, value]): CompiledClaim => {
    const option = `${name}.${path}`
    const items: unknown[] = Array.isArray(value) ? value : [value]
    if (items.length === 0 || !items.every(isClaimValue)) {
      throw new OptionError(option, `must be a non-empty string, a finite number, a boolean, or a non-empty array of them (got ${shown(value)})`)
    }
    return Object.freeze({ path, names: parseClaimPath(option, path), values: Object.freeze([...new Set(items)]) })
  })
  if (anyOf && compiled.length === 0) throw new OptionError(name, 'must not be empty: no token could satisfy it')
  return Object.freeze(compiled)
}

function holds (claim: unknown, value: ClaimValue): boolean {
  return claim === value || (Array.isArray(claim) && claim.includes(value))
}

// Both checks run per request: indexed loops, no closures, each path walked once.

/** The first requirement of `needs` that `claims` does not meet, or `undefined` when all are met. */
export function firstUnmetClaim (claims: unknown, needs: readonly CompiledClaim[]): CompiledClaim | undefined {
  for (let i = 0; i < needs.length; i++) {
    const need = needs[i] as CompiledClaim
    const claim = claimAt(claims, need.names)
    for (let j = 0; j < need.values.length; j++) if (!holds(claim, need.values[j] as ClaimValue)) return need
  }
  return undefined
}

/** Whether `claims` meets at least one path–value pair of `needs`. */
export function meetsAnyClaim (claims: unknown, needs: readonly CompiledClaim[]): boolean {
  for (let i = 0; i < needs.length; i++) {
    const need = needs[i] as CompiledClaim
    const claim = claimAt(claims, need.names)
    for (let j = 0; j < need.values.length; j++) if (holds(claim, need.values[j] as ClaimValue)) return true
  }
  return false
}
