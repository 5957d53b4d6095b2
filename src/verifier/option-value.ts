/**
 * How a wrong option value is quoted in its TypeError, `(got …)`: short enough for one log line,
 * exact enough to find the typo. Strings are quoted (so `"5000"` reads apart from `5000`) and cut
 * at 40 characters; arrays, objects and functions are named, never printed, so neither a secret
 * nested in a structure nor a function's source ends up in a message.
 */

/**
 * The value as an option error quotes it.
 *
 * @example
 * ```ts
 * describe('5000') // '"5000"'
 * describe([1])    // 'an array'
 * ```
 */
export function describe (value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'function') return 'a function'
  return typeof value === 'object' ? 'an object' : String(value)
}

/**
 * What is wrong in a list option, for its `(got …)`: the first item `isGood` refuses, `an empty
 * array`, or the value itself when it is no array. Call it once the list was found wrong.
 *
 * @example
 * ```ts
 * describeList(['ok', 'not ok'], (s) => typeof s === 'string' && !s.includes(' ')) // '"not ok"'
 * ```
 */
export function describeList (value: unknown, isGood: (item: unknown) => boolean): string {
  if (!Array.isArray(value)) return describe(value)
  const bad = value.findIndex((item) => !isGood(item))
  return bad === -1 ? 'an empty array' : describe(value[bad])
}

// `scheme://user:password@host…`: a userinfo before the first `/`, `?` or `#` after the `//`
// (or `\\`, which URL parsing reads as `//`). `scheme:user@host`, which it reads the same way,
// is for the parsed URL's own check.
const USERINFO = /^[^/\\?#]*[/\\]{2}[^/\\?#]*@/

/**
 * Whether a URL option carries a user name or password, read from the text itself: a value with
 * credentials is refused before any check that would quote it, parsable or not.
 *
 * @example
 * ```ts
 * hasUserinfo('https://svc:s3cret@idp.example.com/jwks.json') // true
 * ```
 */
export function hasUserinfo (value: unknown): boolean {
  return typeof value === 'string' && USERINFO.test(value)
}
