/**
 * Which keys of a JWKS we keep (RFC 7517 §4). Anything doubtful is dropped, not trusted: a key
 * meant for encryption, an unknown key type, a private key, an RSA modulus under 2048 bits
 * (RFC 8725 §3.5; NIST SP 800-131A), or one over the maximum (default 4096 bits): verification
 * cost grows with the modulus, and a 16384-bit key costs about 20 ms per token, a lever for
 * denial of service.
 */
import { base64url } from 'jose'

/** The public members of a JWK that the verifier reads. */
export interface Jwk {
  readonly kty: 'RSA' | 'EC' | 'OKP'
  readonly kid: string
  readonly alg?: string
  readonly crv?: string
  readonly n?: string
  readonly e?: string
  readonly x?: string
  readonly y?: string
}

const MIN_RSA_BITS = 2048
/** The largest RSA modulus kept by default, in bits. */
export const DEFAULT_MAX_RSA_BITS = 4096
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const
const CURVES: Record<string, readonly string[]> = { EC: ['P-256', 'P-384', 'P-521'], OKP: ['Ed25519'] }

function isNonEmptyString (v: unknown): v is string {
  return typeof v === 'string' && v.length > 0
}

function rsaModulusBits (n: string): number {
  const bytes = base64url.decode(n)
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  if (i === bytes.length) return 0
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number))
}

/**
 * Returns the key as a {@link Jwk} when it may be used to verify signatures, or `undefined`.
 *
 * @param maxRsaBits - the largest RSA modulus kept, in bits.
 * @example
 * ```ts
 * const jwk = acceptJwk(JSON.parse(text).keys[0], 4096) // undefined when the key must not be trusted
 * ```
 */
export function acceptJwk (raw: unknown, maxRsaBits = DEFAULT_MAX_RSA_BITS): Jwk | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const k = raw as Record<string, unknown>
  if (!isNonEmptyString(k.kid)) return undefined
  if (k.use !== undefined && k.use !== 'sig') return undefined
  if (k.key_ops !== undefined && !(Array.isArray(k.key_ops) && k.key_ops.includes('verify'))) return undefined
  if (k.alg !== undefined && typeof k.alg !== 'string') return undefined
  for (const m of PRIVATE_MEMBERS) if (m in k) return undefined
  try {
    switch (k.kty) {
      case 'RSA':
        if (!isNonEmptyString(k.n) || !isNonEmptyString(k.e)) return undefined
        {
          const bits = rsaModulusBits(k.n)
          if (bits < MIN_RSA_BITS || bits > maxRsaBits) return undefined
        }
        return { kty: 'RSA', kid: k.kid, alg: k.alg as string | undefined, n: k.n, e: k.e }
      case 'EC':
      case 'OKP':
        if (typeof k.crv !== 'string' || !(CURVES[k.kty] as readonly string[]).includes(k.crv)) return undefined
        if (!isNonEmptyString(k.x)) return undefined
        if (k.kty === 'EC' && !isNonEmptyString(k.y)) return undefined
        return { kty: k.kty, kid: k.kid, alg: k.alg as string | undefined, crv: k.crv, x: k.x, y: k.y as string | undefined }
      default:
        return undefined
    }
  } catch {
    // base64url.decode throws on a modulus that is not base64url at all
    return undefined
  }
}
