/**
 * Client secrets are stored only as scrypt hashes (RFC 7914, node:crypto), in a self-describing
 * string that records the salt and the cost parameters:
 *
 *     $scrypt$ln=14,r=8,p=1$<salt, base64url>$<hash, base64url>
 *
 * so the cost can be raised later without breaking stored hashes. Comparison is constant-time
 * (`timingSafeEqual`), and an unknown client costs the same scrypt as a known one, so timing
 * tells an attacker neither whether a client exists nor how much of a secret was right.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { promisify } from 'node:util'

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: ScryptOptions) => Promise<Buffer>

/** scrypt cost parameters: N = 2^logN, block size r, parallelism p. */
export interface ScryptParams {
  readonly logN: number
  readonly r: number
  readonly p: number
}

/**
 * The default cost: N = 2^14, r = 8, p = 1 (16 MiB, tens of milliseconds). Generated secrets
 * carry about 263 bits of entropy, so the hash guards a leaked config, not a guessable password;
 * a higher cost would only slow every token request.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = Object.freeze({ logN: 14, r: 8, p: 1 })

/** A parsed secret hash. */
export interface SecretHash extends ScryptParams {
  readonly salt: Buffer
  readonly hash: Buffer
}

const SALT_BYTES = 16
const HASH_BYTES = 32
/** The most memory one verification may take (128·N·r bytes), so a config cannot exhaust memory. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024
/** Longest secret hashed; longer inputs are refused without hashing. */
export const MAX_SECRET_LENGTH = 512
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/

function decode (text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url')
  // Buffer's decoder is lenient; only the canonical form is accepted.
  return bytes.toString('base64url') === text ? bytes : undefined
}

function paramsAreSane ({ logN, r, p }: ScryptParams): boolean {
  return logN >= 10 && logN <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16 && 128 * 2 ** logN * r <= MAX_SCRYPT_MEMORY
}

/**
 * Parses a stored hash, or returns `undefined` when it is not one this module wrote (or its
 * parameters are out of bounds).
 *
 * @example
 * ```ts
 * parseSecretHash('$scrypt$ln=14,r=8,p=1$…$…')?.logN // 14
 * ```
 */
export function parseSecretHash (text: unknown): SecretHash | undefined {
  const match = typeof text === 'string' ? FORMAT.exec(text) : null
  if (match === null) return undefined
  const [, ln, r, p, saltText, hashText] = match as unknown as [string, string, string, string, string, string]
  const params = { logN: Number(ln), r: Number(r), p: Number(p) }
  const salt = decode(saltText)
  const hash = decode(hashText)
  if (!paramsAreSane(params) || salt === undefined || hash === undefined) return undefined
  if (salt.length < SALT_BYTES || hash.length < HASH_BYTES || hash.length > 64) return undefined
  return { ...params, salt, hash }
}

function derive (secret: string, salt: Buffer, keylen: number, { logN, r, p }: ScryptParams): Promise<Buffer> {
  return scryptAsync(secret, salt, keylen, { N: 2 ** logN, r, p, maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024 })
}

/**
 * Hashes a client secret for storage, with a fresh random salt.
 *
 * @example
 * ```ts
 * const secretHash = await hashSecret(generateClientSecret())
 * ```
 */
export async function hashSecret (secret: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_SECRET_LENGTH) {
    throw new TypeError(`fastify-resource-server issuer: a secret must be a string of 1 to ${MAX_SECRET_LENGTH} characters`)
  }
  if (!paramsAreSane(params)) throw new TypeError('fastify-resource-server issuer: scrypt parameters out of bounds')
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(secret, salt, HASH_BYTES, params)
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

/**
 * Whether `secret` matches `stored`, compared in constant time.
 *
 * @example
 * ```ts
 * if (!(await verifySecret(presented, parseSecretHash(client.secretHash)!))) reject()
 * ```
 */
export async function verifySecret (secret: string, stored: SecretHash): Promise<boolean> {
  const candidate = await derive(secret.slice(0, MAX_SECRET_LENGTH), stored.salt, stored.hash.length, stored)
  return timingSafeEqual(candidate, stored.hash) && secret.length <= MAX_SECRET_LENGTH
}
