/**
 * How identity values travel in request headers, and the decoder upstream services use.
 *
 * Every value is a valid RFC 9110 field value: `%`, `,`, space and every character outside
 * visible ASCII (CR, LF, NUL, non-ASCII) are percent-encoded as UTF-8, the rest passes as it is.
 * A list (scopes, groups) is its items, each encoded that way, joined with `,`. Because neither
 * `,` nor space survives encoding, an item can never split into two, and `%` being encoded means
 * a literal `%41` can never be mistaken for `A`.
 */

// Visible ASCII except `%` (0x25) and `,` (0x2C); the `u` flag makes each match a whole code point.
const NEEDS_ENCODING = /[^\x21-\x24\x26-\x2B\x2D-\x7E]/gu

/**
 * Encodes one identity value for a header.
 *
 * @example
 * ```ts
 * encodeIdentityValue('zoë, admin') // 'zo%C3%AB%2C%20admin'
 * ```
 */
export function encodeIdentityValue (value: string): string {
  return value.replace(NEEDS_ENCODING, encodeCodePoint)
}

// A lone surrogate (valid in JSON, not in Unicode) would make encodeURIComponent throw; it is sent
// as U+FFFD instead, so no claim content can turn into an exception.
function encodeCodePoint (ch: string): string {
  return ch.length === 1 && ch >= '\uD800' && ch <= '\uDFFF' ? '%EF%BF%BD' : encodeURIComponent(ch)
}

/**
 * Encodes a list (scopes, groups): each non-empty item encoded, joined with `,`.
 *
 * @example
 * ```ts
 * encodeIdentityList(['transactions/get', 'x,transactions/post']) // 'transactions/get,x%2Ctransactions/post'
 * ```
 */
export function encodeIdentityList (items: readonly string[]): string {
  let out = ''
  for (const item of items) {
    if (item === '') continue
    out += out === '' ? encodeIdentityValue(item) : `,${encodeIdentityValue(item)}`
  }
  return out
}

/**
 * Decodes one identity header value (`x-auth-sub`, `x-auth-client-id`, `x-auth-username`, …),
 * for upstream services. Throws a URIError on a value the gateway cannot have produced.
 *
 * @example
 * ```ts
 * import { decodeIdentityValue } from 'fastify-resource-server/gateway'
 * const username = decodeIdentityValue(request.headers['x-auth-username'])
 * ```
 */
export function decodeIdentityValue (value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined
  return decodeURIComponent(typeof value === 'string' ? value : value.join(','))
}

/**
 * Decodes a list header (`x-auth-scopes`, `x-auth-groups`) into its items, for upstream services:
 * splits on `,`, trims optional whitespace, drops empty items, percent-decodes each.
 *
 * @example
 * ```ts
 * import { decodeIdentityList } from 'fastify-resource-server/gateway'
 * const scopes = decodeIdentityList(request.headers['x-auth-scopes']) // ['transactions/get', 'x,transactions/post']
 * ```
 */
export function decodeIdentityList (value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return []
  const joined = typeof value === 'string' ? value : value.join(',')
  const items: string[] = []
  for (const raw of joined.split(',')) {
    const item = raw.trim()
    if (item !== '') items.push(decodeURIComponent(item))
  }
  return items
}
