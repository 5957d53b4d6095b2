/**
 * The key file: the issuer's private signing keys as JWKs, each with its place in the rotation.
 * Each algorithm in use has its own keys: exactly one active key, at most one next key.
 * Restarts and every instance of the issuer read the same file, so they all sign with the same
 * keys and publish the same JWKS. It is created with mode 0600 and its content is never logged.
 *
 * ```json
 * { "version": 1, "keys": [
 *   { "kid": "…", "alg": "RS256", "state": "active", "createdAt": "2025-06-01T00:00:00.000Z", "privateJwk": { … } },
 *   { "kid": "…", "alg": "RS256", "state": "next", "activateAt": "…", "createdAt": "…", "privateJwk": { … } }
 * ] }
 * ```
 */
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'
import { describe, FieldChecker } from '../config/config-fields.js'

/** The algorithms the issuer can sign with. RS256 is Cognito's; the others exist because FAPI forbids RS256. */
export const KEY_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const

/**
 * The algorithms a client may choose for its tokens (`signingAlgorithm`): Cognito's RS256, and
 * PS256 and ES256, which FAPI 1.0 Advanced (§8.6) allows for ID tokens where RS256 is forbidden.
 */
export const CLIENT_SIGNING_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const

/** One of {@link CLIENT_SIGNING_ALGORITHMS}. */
export type ClientSigningAlgorithm = typeof CLIENT_SIGNING_ALGORITHMS[number]

/** One of {@link KEY_ALGORITHMS}. */
export type KeyAlgorithm = typeof KEY_ALGORITHMS[number]

/**
 * Where a key is in its life:
 * - `next`: published in the JWKS, signs nothing until `activateAt`;
 * - `active`: the signing key (exactly one);
 * - `retiring`: no longer signs, stays published until `retireAt`, when every token it signed has expired.
 */
export type KeyState = 'next' | 'active' | 'retiring'

/** One key as stored in the file. */
export interface KeyRecord {
  readonly kid: string
  readonly alg: KeyAlgorithm
  readonly state: KeyState
  /** ISO 8601. */
  readonly createdAt: string
  /** ISO 8601, on `next` keys: when the key starts signing. */
  readonly activateAt?: string
  /** ISO 8601, on `retiring` keys: when the key leaves the JWKS. */
  readonly retireAt?: string
  /** The private key. Never logged, never served. */
  readonly privateJwk: JWK
}

/** The key file document. */
export interface KeyDocument {
  readonly version: 1
  readonly keys: readonly KeyRecord[]
}

const MAX_KEYS = 20
const KID = /^[\w-]{1,128}$/

/** Whether `value` is one of {@link KEY_ALGORITHMS}. */
export function isKeyAlgorithm (value: unknown): value is KeyAlgorithm {
  return typeof value === 'string' && (KEY_ALGORITHMS as readonly string[]).includes(value)
}

function fits (alg: KeyAlgorithm, key: KeyObject): boolean {
  const details = key.asymmetricKeyDetails as { modulusLength?: number, namedCurve?: string }
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return key.asymmetricKeyType === 'rsa' && (details.modulusLength as number) >= 2048
    case 'ES256':
      return key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1'
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519'
  }
}

/**
 * Imports a stored private JWK, checking that it is a private key that fits `alg`.
 * Returns `undefined` when it is not.
 */
export function importPrivateJwk (jwk: unknown, alg: KeyAlgorithm): KeyObject | undefined {
  try {
    const key = createPrivateKey({ key: jwk as JWK & { kty: string }, format: 'jwk' })
    return fits(alg, key) ? key : undefined
  } catch {
    return undefined
  }
}

/**
 * Checks a key file document.
 *
 * @throws {IssuerConfigError} naming the wrong field, e.g. `keys[1].state`.
 */
export function validateKeyDocument (raw: unknown, source?: string): KeyDocument {
  const c: FieldChecker = new FieldChecker(source)
  const o = c.object(raw, '', ['version', 'keys'])
  if (o.version !== 1) c.fail('version', `must be 1 (got ${describe(o.version)})`)
  const raws = c.array(o.keys, 'keys', MAX_KEYS)
  const kids = new Set<string>()
  const keys = raws.map((entry, i): KeyRecord => {
    const at = `keys[${i}]`
    const k = c.object(entry, at, ['kid', 'alg', 'state', 'createdAt', 'activateAt', 'retireAt', 'privateJwk'])
    const kid = c.string(k.kid, `${at}.kid`, { min: 1, max: 128, pattern: KID, says: 'letters, digits, - and _' })
    if (kids.has(kid)) c.fail(`${at}.kid`, 'repeats a kid')
    kids.add(kid)
    if (!isKeyAlgorithm(k.alg)) c.fail(`${at}.alg`, `must be one of ${KEY_ALGORITHMS.join(', ')} (got ${describe(k.alg)})`)
    if (k.state !== 'next' && k.state !== 'active' && k.state !== 'retiring') c.fail(`${at}.state`, `must be next, active or retiring (got ${describe(k.state)})`)
    c.time(k.createdAt, `${at}.createdAt`)
    if (k.state === 'next') c.time(k.activateAt, `${at}.activateAt`)
    else if (k.activateAt !== undefined) c.fail(`${at}.activateAt`, 'belongs on next keys only')
    if (k.state === 'retiring') c.time(k.retireAt, `${at}.retireAt`)
    else if (k.retireAt !== undefined) c.fail(`${at}.retireAt`, 'belongs on retiring keys only')
    if (importPrivateJwk(k.privateJwk, k.alg) === undefined) {
      c.fail(`${at}.privateJwk`, `must be a private JWK for ${k.alg} (RSA of 2048 bits or more, P-256, or Ed25519)`)
    }
    return k as unknown as KeyRecord
  })
  if (keys.length === 0) c.fail('keys', 'must hold exactly one active key (found 0)')
  for (const alg of new Set(keys.map((k) => k.alg))) {
    const count = (state: KeyState): number => keys.filter((k) => k.alg === alg && k.state === state).length
    if (count('active') !== 1) c.fail('keys', `must hold exactly one active key per algorithm (found ${count('active')} for ${alg})`)
    if (count('next') > 1) c.fail('keys', `must hold at most one next key per algorithm (found ${count('next')} for ${alg})`)
  }
  return { version: 1, keys }
}

/**
 * Generates a key pair for `alg` with jose and returns it as a record in `state`; the `kid` is
 * the key's RFC 7638 thumbprint.
 *
 * @example
 * ```ts
 * const record = await generateKeyRecord('ES256', 'active', Date.now())
 * ```
 */
export async function generateKeyRecord (alg: KeyAlgorithm, state: 'next' | 'active', now: number, activateAt?: number): Promise<KeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 })
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey))
  return {
    kid,
    alg,
    state,
    createdAt: new Date(now).toISOString(),
    ...(activateAt === undefined ? {} : { activateAt: new Date(activateAt).toISOString() }),
    privateJwk: await exportJWK(privateKey)
  }
}
