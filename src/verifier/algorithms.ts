/**
 * Which JWS algorithms we accept and which keys each one fits (RFC 7518 §3, RFC 8037).
 *
 * `none` and the HMAC family are absent on purpose: a resource server holds only public keys, and
 * an HMAC "verified" with a public key is the classic key-confusion forgery (RFC 8725 §2.1).
 */
import type { Jwk } from './jwk.js'

/** The asymmetric signature algorithms this package can verify. */
export const SUPPORTED_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA'
] as const

/** One of {@link SUPPORTED_ALGORITHMS}. */
export type Algorithm = typeof SUPPORTED_ALGORITHMS[number]

const EC_CURVES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }

/** Whether `alg` is one of the algorithms this package implements. */
export function isSupportedAlgorithm (alg: unknown): alg is Algorithm {
  return typeof alg === 'string' && (SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)
}

/**
 * Whether a token signed with `alg` may be checked with `jwk`: the key type and curve must fit,
 * and when the JWK names its own `alg`, that must be the same (RFC 8725 §3.1).
 */
export function algorithmFitsKey (alg: Algorithm, jwk: Jwk): boolean {
  if (jwk.alg !== undefined && jwk.alg !== alg) return false
  switch (alg[0]) {
    case 'R':
    case 'P':
      return jwk.kty === 'RSA'
    case 'E':
      return alg === 'EdDSA'
        ? jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
        : jwk.kty === 'EC' && jwk.crv === EC_CURVES[alg]
    default:
      return false
  }
}
