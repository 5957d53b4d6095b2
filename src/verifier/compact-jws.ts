/**
 * Taking a compact JWS apart (RFC 7515 §7.1) before anything is trusted: a length cap first,
 * exactly three segments, strict base64url (no padding, no stray bits), UTF-8 JSON objects with
 * no byte-order mark, and no prototype-polluting members.
 */
import secureJson from 'secure-json-parse'
import { TokenMalformedError, TokenTooLargeError } from './errors.js'

/** A compact JWS taken apart but not yet verified. */
export interface DecodedJws {
  readonly header: Readonly<Record<string, unknown>>
  readonly payload: Readonly<Record<string, unknown>>
  /** What the signature covers: the header and payload segments with the dot between them (RFC 7515 §5.2). */
  readonly signingInput: string
  /** The signature bytes. */
  readonly signature: Uint8Array
}

const BASE64URL = /^[A-Za-z0-9_-]+$/
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * A base64url segment is canonical when it has no padding, a possible length, and zero unused
 * bits in its last character: otherwise two different strings decode to the same bytes, and a
 * changed byte could slip past a cache keyed by the token.
 */
function isCanonicalBase64url (segment: string): boolean {
  if (!BASE64URL.test(segment)) return false
  const rem = segment.length % 4
  if (rem === 1) return false
  if (rem === 0) return true
  const value = ALPHABET.indexOf(segment.charAt(segment.length - 1))
  return (value & (rem === 2 ? 0x0f : 0x03)) === 0
}

function decodeJsonObject (segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  if (!isCanonicalBase64url(segment)) {
    throw new TokenMalformedError(`The token ${part} is not canonical base64url.`)
  }
  let value: unknown
  try {
    const text = utf8.decode(Buffer.from(segment, 'base64url'))
    // RFC 8259 §8.1: a JWS is produced without a byte-order mark, and secure-json-parse would
    // strip one in silence, giving two spellings of one claim set.
    if (text.charCodeAt(0) === 0xfeff) throw new SyntaxError('byte-order mark')
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch {
    throw new TokenMalformedError(`The token ${part} is not valid JSON, or carries a forbidden member such as __proto__.`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenMalformedError(`The token ${part} must be a JSON object.`)
  }
  return value as Record<string, unknown>
}

/**
 * Splits and decodes a compact JWS without verifying it.
 *
 * @throws {TokenTooLargeError} when `token` is longer than `maxBytes`.
 * @throws {TokenMalformedError} when it is not a well-formed compact JWS.
 */
export function decodeCompactJws (token: string, maxBytes: number): DecodedJws {
  // Tokens are ASCII, so characters count bytes; anything else fails the base64url test below.
  if (token.length > maxBytes) {
    throw new TokenTooLargeError(`The token is longer than ${maxBytes} bytes.`)
  }
  const first = token.indexOf('.')
  const second = token.indexOf('.', first + 1)
  if (first === -1 || second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw new TokenMalformedError('The token must be a compact JWS of exactly three dot-separated segments.')
  }
  const signature = token.slice(second + 1)
  if (!isCanonicalBase64url(signature)) {
    throw new TokenMalformedError('The token signature is not canonical base64url.')
  }
  return {
    header: decodeJsonObject(token.slice(0, first), 'header'),
    payload: decodeJsonObject(token.slice(first + 1, second), 'payload'),
    signingInput: token.slice(0, second),
    signature: Buffer.from(signature, 'base64url')
  }
}
