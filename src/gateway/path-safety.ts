/**
 * Refusing request targets that could resolve somewhere else upstream than where the gateway
 * routed them: dot segments (raw or percent-encoded, once or twice), segments that begin or end
 * with `..`, encoded slashes and backslashes, raw backslashes, NUL, empty segments, a fragment,
 * and anything outside printable ASCII.
 * The gateway and the upstream may normalise paths differently; the only safe path is one that
 * no normalisation changes.
 */

// %2e . | %2f / | %5c \ | %00 NUL, and the same behind an encoded percent (%25): double encoding.
const ENCODED_DANGER = /%(?:25)*(?:2e|2f|5c|00)/i
const PRINTABLE = /^[\x21-\x7E]*$/
// The common target, safe by its characters alone: non-empty segments of printable ASCII with no
// `.`, `%`, `\\` or `#`, and a query, if any, of printable ASCII with no `%` or `#`. Anything
// else takes the full checks below.
const PLAIN_TARGET = /^(?:\/[\x21\x22\x24\x26-\x2D\x30-\x3E\x40-\x5B\x5D-\x7E]+)+\/?(?:\?[\x21\x22\x24\x26-\x7E]*)?$/

/** Why `target` is unsafe, or `undefined` when it is safe to route and proxy. */
export function unsafePathReason (target: string): string | undefined {
  if (PLAIN_TARGET.test(target)) return undefined
  if (!target.startsWith('/') || target.startsWith('//')) return 'the request target must be an absolute path'
  const q = target.indexOf('?')
  const path = q === -1 ? target : target.slice(0, q)
  if (!PRINTABLE.test(path)) return 'the path holds characters that are not printable ASCII'
  if (path.includes('\\')) return 'the path holds a backslash'
  if (ENCODED_DANGER.test(path)) return 'the path holds an encoded dot, slash, backslash or NUL'
  if (!PRINTABLE.test(target.slice(path.length))) return 'the query holds characters that are not printable ASCII'
  if (/%(?:25)*00/.test(target)) return 'the request holds an encoded NUL'
  // A request target never carries a fragment (RFC 9112 §3.2); an upstream may cut the path at it.
  if (target.includes('#')) return 'the request target holds a fragment (#)'
  for (const segment of path.slice(1).split('/')) {
    const bare = segment.split(';')[0] as string
    if (bare === '.' || bare === '..') return 'the path holds a dot segment'
    // `...`, `..x` and `x..` are no dot segments, but Windows servers trim trailing dots, and
    // @fastify/reply-from refuses `/..` and `../` anywhere in the path with a 400 of its own: the
    // gateway's answer, with its code, comes first.
    if (segment.startsWith('..') || segment.endsWith('..') || bare.endsWith('..')) return 'the path holds a segment that begins or ends with two dots'
  }
  if (path.includes('//')) return 'the path holds an empty segment'
  return undefined
}
