/**
 * Nested route prefixes (`/transactions` and `/transactions/admin`, each with its own scopes): a
 * request the router gives to the outer prefix must not be one an upstream reads as under the
 * inner one. Fastify routes by the exact bytes, while many upstreams ignore case (Express,
 * ASP.NET), drop `;parameters` from segments (Tomcat, Spring), decode percent-encoded letters,
 * or trim trailing dots and spaces (IIS): `/transactions/ADMIN/users`,
 * `/transactions/admin;x/users`, `/transactions/%61dmin/users` and `/transactions/admin./users`
 * would all be authorised with the outer prefix's scopes.
 */

// Trailing dots and white space, raw or percent-encoded, as Windows trims them from a name.
const TRAILING = /(?:\.|\s|%20|%09)+$/i

/** A path segment the way the most lenient upstream reads it. */
function lenientSegment (segment: string): string {
  const bare = segment.split(';')[0] as string
  let decoded = bare
  try {
    decoded = decodeURIComponent(bare)
  } catch {
    // Left as it is: a malformed escape never matches a configured prefix.
  }
  return decoded.toLowerCase().replace(TRAILING, '')
}

/** A path (without its query) the way the most lenient upstream reads it. */
export function lenientPath (path: string): string {
  return path.split('/').map(lenientSegment).join('/')
}

/**
 * For the route at `prefix`: a check telling whether a request target may reach one of the
 * longer prefixes nested under it, or `undefined` when none is (the check then costs nothing).
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
  const nested = prefixes.filter((p) => p !== prefix).map(lenientPath).filter((p) => p.startsWith(`${outer}/`))
  if (nested.length === 0) return undefined
  return (target) => {
    const q = target.indexOf('?')
    const path = lenientPath(q === -1 ? target : target.slice(0, q))
    return nested.some((inner) => path === inner || path.startsWith(`${inner}/`))
  }
}
