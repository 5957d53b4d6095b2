/**
 * Nested route prefixes (`/transactions` and `/transactions/admin`, each with its own scopes): a
 * request the router gives to the outer prefix must not be one an upstream reads as under the
 * inner one. Fastify routes by the exact bytes, while many upstreams ignore case (Express,
 * ASP.NET), drop `;parameters` from segments (Tomcat, Spring), decode percent-encoded letters,
 * or trim trailing dots and spaces (IIS): `/transactions/ADMIN/users`,
 * `/transactions/admin;x/users`, `/transactions/%61dmin/users` and `/transactions/admin./users`
 * would all be authorised with the outer prefix's scopes.
 */

/** Where `s` ends without its trailing dots and white space, raw or percent-encoded: what Windows trims from a name. */
function trailingTrimmed (s: string): number {
  let end = s.length
  for (;;) {
    const last = s.charCodeAt(end - 1)
    if (last === 0x2e || last === 0x20 || last === 0x09) end -= 1
    else if (end >= 3 && s.charCodeAt(end - 3) === 0x25 && (s.endsWith('20', end) || s.endsWith('09', end))) end -= 3
    else return end
  }
}

/**
 * A path segment the way the most lenient upstream reads it: `;parameters` dropped, percent
 * escapes decoded, case folded (upper then lower, so that `ı` and `ſ`, which some platforms
 * upper-case to `I` and `S`, fold to `i` and `s`), trailing dots and white space trimmed. In time
 * linear in the segment's length.
 */
function lenientSegment (segment: string): string {
  const bare = segment.split(';')[0] as string
  let decoded = bare
  try {
    decoded = decodeURIComponent(bare)
  } catch {
    // Left as it is: a malformed escape never matches a configured prefix.
  }
  const folded = decoded.toUpperCase().toLowerCase()
  return folded.slice(0, trailingTrimmed(folded))
}

/** A path (without its query) the way the most lenient upstream reads it, its first `depth` segments only. */
export function lenientPath (path: string, depth?: number): string {
  const segments = depth === undefined ? path.split('/') : path.split('/', depth + 1)
  return segments.map(lenientSegment).join('/')
}

/**
 * For the route at `prefix`: a check telling whether a request target may reach one of the
 * longer prefixes nested under it, or `undefined` when none is (the check then costs nothing).
 * Only as many segments of the target are read as the deepest nested prefix has.
 *
 * @example
 * ```ts
 * const reachesNested = nestedPrefixCheck('/transactions', ['/transactions', '/transactions/admin'])
 * reachesNested?.('/transactions/ADMIN/users') // true
 * reachesNested?.('/transactions/123') // false
 * ```
 */
export function nestedPrefixCheck (prefix: string, prefixes: readonly string[]): ((target: string) => boolean) | undefined {
  const outer = lenientPath(prefix)
  const nested = prefixes.filter((p) => p !== prefix).map((p) => lenientPath(p)).filter((p) => p.startsWith(`${outer}/`))
  if (nested.length === 0) return undefined
  // '/a/b' splits into ['', 'a', 'b']: as many parts as it has slashes, plus one.
  const depth = Math.max(...nested.map((p) => p.split('/').length - 1))
  return (target) => {
    const q = target.indexOf('?')
    const path = lenientPath(q === -1 ? target : target.slice(0, q), depth)
    return nested.some((inner) => path === inner || path.startsWith(`${inner}/`))
  }
}
