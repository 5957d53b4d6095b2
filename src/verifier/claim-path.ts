/**
 * Claim paths: how a route names a claim, top-level or nested, in its requirements.
 *
 * A path is dot-separated names (`realm_access.roles`, Keycloak's realm roles). A name that itself
 * holds a dot, a bracket or anything else, such as Auth0's namespaced `https://example.com/roles`,
 * is written as a JSON string in brackets: `["https://example.com/roles"]`, or
 * `resource_access["my.app"].roles`. So every path means one thing only: a dot always separates, and
 * a claim is never looked up both as `a.b` and as `a` → `b`.
 *
 * Paths are parsed once, when a route is declared; the hot path only walks the parsed names.
 */
import { OptionError } from './errors.js'

/** A parsed claim path: the names to walk, from the payload down. */
export type ClaimPath = readonly string[]

const PLAIN = /[^.[\]]+/y
const hasOwn = Object.prototype.hasOwnProperty
const QUOTED = /\[("(?:[^"\\]|\\.)*")\]/y

function malformed (name: string): OptionError {
  return new OptionError(name, 'is not a claim path: write names separated by dots, such as "realm_access.roles", ' +
    'and a name that holds a dot or a bracket as a JSON string in brackets, such as \'["https://example.com/roles"]\'')
}

function segment (path: string, at: number, name: string): [string, number] {
  PLAIN.lastIndex = at
  const plain = PLAIN.exec(path)
  if (plain !== null) return [plain[0], PLAIN.lastIndex]
  QUOTED.lastIndex = at
  const quoted = QUOTED.exec(path)
  if (quoted !== null) {
    let decoded: unknown
    try {
      decoded = JSON.parse(quoted[1] as string)
    } catch {
      decoded = ''
    }
    if (decoded !== '') return [decoded as string, QUOTED.lastIndex]
  }
  throw malformed(name)
}

/**
 * Parses a claim path.
 *
 * @param name - the option to name in a TypeError, such as `config.auth.claims.realm_access.roles`.
 * @throws {TypeError} when `path` is empty or not a well-formed path.
 * @example
 * ```ts
 * parseClaimPath('x', 'realm_access.roles')                    // ['realm_access', 'roles']
 * parseClaimPath('x', '["https://example.com/roles"]')         // ['https://example.com/roles']
 * parseClaimPath('x', 'resource_access["my.app"].roles')       // ['resource_access', 'my.app', 'roles']
 * ```
 */
export function parseClaimPath (name: string, path: string): ClaimPath {
  const names: string[] = []
  let at = 0
  for (;;) {
    const [next, end] = segment(path, at, name)
    names.push(next)
    at = end
    if (at === path.length) return Object.freeze(names)
    // After a name: a dot and a plain name, or directly a bracketed name.
    if (path[at] === '.' && path[at + 1] !== '[') at += 1
    else if (path[at] !== '[') throw malformed(name)
  }
}

/**
 * The value at `path` in `claims`, or `undefined` when any step is missing. Only the payload's own
 * members are followed, and only through objects (never arrays), so no path reaches
 * `Object.prototype` (`constructor.name` finds nothing) or picks an array element by index.
 *
 * @example
 * ```ts
 * claimAt(token.claims, parseClaimPath('x', 'realm_access.roles')) // ['admin', 'ops']
 * ```
 */
export function claimAt (claims: unknown, path: ClaimPath): unknown {
  let value = claims
  // Indexed, with hasOwnProperty: about twice as fast as for-of with Object.hasOwn on Node 20.
  for (let i = 0; i < path.length; i++) {
    const name = path[i] as string
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !hasOwn.call(value, name)) return undefined
    value = (value as Record<string, unknown>)[name]
  }
  return value
}
