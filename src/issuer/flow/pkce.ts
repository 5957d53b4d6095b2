/**
 * PKCE (RFC 7636) with the S256 method only: `plain` sends the verifier itself through the front
 * channel, which is exactly what PKCE exists to avoid (RFC 9700 §2.1.1).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { base64url } from 'jose'

/** A code_challenge for S256: base64url of a SHA-256 digest, 43 characters (RFC 7636 §4.2). */
export const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/
/** A code_verifier: 43–128 unreserved characters (RFC 7636 §4.1). */
export const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

/**
 * The S256 challenge of a verifier.
 *
 * @example
 * ```ts
 * s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk') // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 * ```
 */
export function s256 (verifier: string): string {
  return base64url.encode(createHash('sha256').update(verifier, 'ascii').digest())
}

/** Whether `verifier` is well formed and its S256 challenge is `challenge`, compared in constant time. */
export function verifierMatches (verifier: string, challenge: string): boolean {
  if (!CODE_VERIFIER.test(verifier)) return false
  const computed = Buffer.from(s256(verifier))
  const expected = Buffer.from(challenge)
  return computed.length === expected.length && timingSafeEqual(computed, expected)
}
