/**
 * Small checks for JSON-shaped input (the config and the key file). Each failure is an
 * {@link IssuerConfigError} naming the exact field, so a wrong file is fixed in one look.
 */
import { IssuerConfigError } from '../errors.js'

/** A short, safe rendering of a wrong value for an error message. Secrets never reach here. */
export function describe (value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'an object' : String(value)
}

/** Checks fields of one document; `source` (a file path) prefixes every message. */
export class FieldChecker {
  constructor (readonly source?: string) {}

  fail (field: string, expected: string): never {
    throw new IssuerConfigError(field, expected, this.source)
  }

  /**
   * A plain object whose keys are all in `known` (a typo is an error, not a silent default).
   * `field` is `''` for the document itself.
   */
  object (value: unknown, field: string, known: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field === '' ? 'document' : field, `must be an object (got ${describe(value)})`)
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail(join(field, key), `is not a known field (known: ${known.join(', ')})`)
    }
    return value as Record<string, unknown>
  }

  /** A string of `min`–`max` characters matching `pattern` (anchored by the caller). */
  string (value: unknown, field: string, rule: { min: number, max: number, pattern?: RegExp, says?: string }): string {
    const shape = rule.says === undefined ? '' : `, ${rule.says}`
    if (typeof value !== 'string' || value.length < rule.min || value.length > rule.max || (rule.pattern !== undefined && !rule.pattern.test(value))) {
      this.fail(field, `must be a string of ${rule.min} to ${rule.max} characters${shape} (got ${describe(value)})`)
    }
    return value
  }

  /** An integer from `min` to `max`, or `fallback` when absent. */
  integer (value: unknown, field: string, min: number, max: number, fallback?: number): number {
    if (value === undefined && fallback !== undefined) return fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `must be an integer from ${min} to ${max} (got ${describe(value)})`)
    }
    return value
  }

  /** An array of at most `max` items. */
  array (value: unknown, field: string, max: number): unknown[] {
    if (!Array.isArray(value)) this.fail(field, `must be an array (got ${describe(value)})`)
    if (value.length > max) this.fail(field, `must have at most ${max} items (got ${value.length})`)
    return value
  }

  /** A timestamp written as an ISO 8601 string; returns milliseconds since the epoch. */
  time (value: unknown, field: string): number {
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN
    if (!Number.isFinite(ms)) this.fail(field, `must be an ISO 8601 date-time string (got ${describe(value)})`)
    return ms
  }
}

/** `clients[1]` + `allowedOAuthScopes` → `clients[1].allowedOAuthScopes`. */
export function join (parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`
}
