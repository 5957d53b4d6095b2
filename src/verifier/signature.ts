/**
 * The signature check (RFC 7515 §5.2) with the platform's OpenSSL: each published key is imported
 * once with `crypto.createPublicKey`, then every token costs one `crypto.verify`. jose verifies
 * through WebCrypto only, which on Node 20 costs about 2.5× as much per signature; jose stays the
 * oracle that the differential test holds this file to.
 *
 * Each algorithm is pinned to exactly what RFC 7518 §3 says, so OpenSSL's lenient defaults never
 * apply: PKCS#1 v1.5 padding for RS*, PSS with MGF1 over the same hash and a salt as long as the
 * hash for PS* (OpenSSL would otherwise recover any salt length), the fixed-width r‖s encoding
 * for ES* with its length checked first, and Ed25519's 64-byte signature for EdDSA.
 */
import { constants, createPublicKey, verify, type JsonWebKey, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto'
import { availableParallelism } from 'node:os'
import type { Algorithm } from './algorithms.js'
import type { Jwk } from './jwk.js'

/** libuv's threadpool size as libuv reads it: `UV_THREADPOOL_SIZE` from 1 to 1024, else 4. */
export function threadpoolSize (env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.UV_THREADPOOL_SIZE)
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 1024) : 4
}

const CHECKS_PER_POOL_THREAD = 64

/**
 * How many checks may be queued on a threadpool of `size` threads at once: 64 per thread (256 at
 * libuv's default of 4). A deep queue is what keeps the pool's threads busy: capped at the pool's
 * size, most checks fell back to the event loop and the threadpool served no more than the event
 * loop alone (the README, "Choices we made"). The cap still bounds how long file and DNS work,
 * which share the pool, can wait behind signature checks: about 64 checks of 20 µs per thread,
 * 1.3 ms. Past it, the event loop checks a signature itself, so a burst slows the intake of new
 * requests instead of growing the queue.
 */
export function poolSlots (size: number): number {
  return CHECKS_PER_POOL_THREAD * size
}

/**
 * How many threads share a turn's checks: the event loop and the pool threads that can run beside
 * it, `1 + min(pool size, cores - 1)`. The event loop keeps an even share, `1 /` this, rounded up
 * (its checks need no thread handoff): at libuv's 4 threads, half on 2 cores, a fifth on 5 or
 * more, all of them on one core. While the pool works through the rest, the event loop checks
 * its share instead of waiting: on 2 cores that served 12 to 15 % more unique tokens at 10 to
 * 12 % less CPU each than sending the whole turn to the pool (the README, "Choices we made").
 */
export function checkingThreads (poolSize: number, cores: number): number {
  return 1 + Math.min(poolSize, Math.max(0, cores - 1))
}

const POOL_SLOTS = poolSlots(threadpoolSize())
const CHECKING_THREADS = checkingThreads(threadpoolSize(), availableParallelism())
let inPool = 0
/** Whether this turn of the event loop has checked a signature itself while the pool was idle. */
let checkedOnLoop = false
/** A turn's checks, run when it ends: on the pool (`true`) or on the event loop. They hold their pool slots until then. */
const atTurnEnd: Array<(onPool: boolean) => void> = []
let turnEndScheduled = false

/** Sends this turn's checks to the pool, all but the event loop's share (rounded up), which it then checks itself. */
function endTurn (): void {
  turnEndScheduled = false
  checkedOnLoop = false
  const checks = atTurnEnd.splice(0)
  const sent = checks.length - Math.ceil(checks.length / CHECKING_THREADS)
  for (let i = 0; i < sent; i++) checks[i]!(true)
  for (let i = sent; i < checks.length; i++) checks[i]!(false)
}

/** Makes sure {@link endTurn} runs once this turn's I/O callbacks are done (setImmediate). */
function scheduleTurnEnd (): void {
  if (turnEndScheduled) return
  turnEndScheduled = true
  setImmediate(endTurn)
}

interface Scheme {
  /** The OpenSSL digest; null for Ed25519, which hashes internally. */
  readonly hash: string | null
  /** The exact signature length in bytes, where the algorithm fixes one. */
  readonly signatureBytes?: number
  readonly options: Omit<VerifyKeyObjectInput, 'key'>
}

const rsa = (bits: number): Scheme => ({ hash: `sha${bits}`, options: { padding: constants.RSA_PKCS1_PADDING } })
const pss = (bits: number): Scheme => ({ hash: `sha${bits}`, options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: bits / 8 } })
// RFC 7518 §3.4: R and S as fixed-width big-endian integers of the curve's order size, concatenated.
const ecdsa = (bits: number, orderBytes: number): Scheme => ({ hash: `sha${bits}`, signatureBytes: 2 * orderBytes, options: { dsaEncoding: 'ieee-p1363' } })

const SCHEMES: Readonly<Record<Algorithm, Scheme>> = {
  RS256: rsa(256),
  RS384: rsa(384),
  RS512: rsa(512),
  PS256: pss(256),
  PS384: pss(384),
  PS512: pss(512),
  ES256: ecdsa(256, 32),
  ES384: ecdsa(384, 48),
  ES512: ecdsa(512, 66),
  EdDSA: { hash: null, signatureBytes: 64, options: {} }
}

/**
 * A published key ready for `crypto.verify`, one per JWK and algorithm, so the verify options are
 * built once too. `null` when OpenSSL refused the key (a point off its curve, say): that failure is
 * remembered, not retried per token.
 */
export class SignatureKey {
  readonly #inputs = new Map<Algorithm, VerifyKeyObjectInput>()

  private constructor (readonly key: KeyObject) {}

  static #imported = new WeakMap<Jwk, SignatureKey | null>()

  /**
   * The key for `jwk`, imported on first use. Memoized on the JWK object, which the JWKS cache
   * keeps for as long as the key is published unchanged.
   *
   * @example
   * ```ts
   * const key = SignatureKey.of(entry.jwk)
   * const ok = key !== null && await key.verifyShared('RS256', signingInput, signature)
   * ```
   */
  static of (jwk: Jwk): SignatureKey | null {
    let key = SignatureKey.#imported.get(jwk)
    if (key === undefined) {
      try {
        // Only the public members: createPublicKey must see nothing but the key itself.
        const members: JsonWebKey = jwk.kty === 'RSA' ? { kty: 'RSA', n: jwk.n, e: jwk.e } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
        key = new SignatureKey(createPublicKey({ key: members, format: 'jwk' }))
      } catch {
        key = null
      }
      SignatureKey.#imported.set(jwk, key)
    }
    return key
  }

  #input (alg: Algorithm): VerifyKeyObjectInput {
    let input = this.#inputs.get(alg)
    if (input === undefined) {
      input = { key: this.key, ...SCHEMES[alg].options }
      this.#inputs.set(alg, input)
    }
    return input
  }

  /**
   * Whether `signature` is `alg`'s signature of `signingInput` under this key, checked on libuv's
   * threadpool (crypto.verify's callback form) and nowhere else: the form {@link verifyShared}
   * sends a turn's checks through, alone, so tests can hold it to the event loop's answers. Never
   * rejects: OpenSSL's objections (a digest the key cannot take, say) are a bad signature like
   * any other.
   */
  verify (alg: Algorithm, signingInput: string, signature: Uint8Array): Promise<boolean> {
    return new Promise((resolve) => { this.#verifyOnPool(alg, signingInput, signature, resolve) })
  }

  #verifyOnPool (alg: Algorithm, signingInput: string, signature: Uint8Array, done: (ok: boolean) => void): void {
    const scheme = SCHEMES[alg]
    if (!hasLength(scheme, signature)) return done(false)
    try {
      verify(scheme.hash, Buffer.from(signingInput, 'latin1'), this.#input(alg), signature, (_err, ok) => { done(ok === true) })
    } catch {
      // Node throws at once only for arguments it cannot take: a bad signature all the same, and
      // never an exception in a turn's batch, where it would leave the checks after it unanswered.
      done(false)
    }
  }

  /**
   * What `verifyOnThreadpool` does: {@link verify} on the threadpool, or {@link verifySync} (the
   * answer itself, no promise) in two cases. The first check of a turn of the event loop, while
   * no check is on the pool, runs on the event loop: one token at a time is answered without a
   * thread handoff, and the first of a burst (the requests a cold start held until the keys came)
   * is answered at once while the rest wait for the end of the turn. And a check past the pool's
   * slots (see POOL_SLOTS) runs on the event loop too.
   *
   * The other checks of a turn wait for its I/O callbacks to be done, not going to the pool one by
   * one as requests are read, where each woke a pool thread that took the event loop's core while
   * it still read requests (the README, "Choices we made"). Then all but the event loop's share
   * (see {@link checkingThreads}) go to the pool together, and the event loop checks the last of
   * the turn itself while the pool works through the first. Until then each holds a pool slot, so
   * the slots bound the turn's checks, the event loop's share included.
   */
  verifyShared (alg: Algorithm, signingInput: string, signature: Uint8Array): boolean | Promise<boolean> {
    if (inPool === 0 && !checkedOnLoop) {
      checkedOnLoop = true
      scheduleTurnEnd()
      return this.verifySync(alg, signingInput, signature)
    }
    if (inPool >= POOL_SLOTS) return this.verifySync(alg, signingInput, signature)
    inPool++
    scheduleTurnEnd()
    return new Promise((resolve) => {
      atTurnEnd.push((onPool) => {
        if (!onPool) {
          inPool--
          return resolve(this.verifySync(alg, signingInput, signature))
        }
        this.#verifyOnPool(alg, signingInput, signature, (ok) => {
          inPool--
          resolve(ok)
        })
      })
    })
  }

  /**
   * {@link verify} on the calling thread: less CPU per token (no thread handoff), but the event
   * loop waits for it (`verifyOnThreadpool: false`, and the event loop's share of a turn).
   */
  verifySync (alg: Algorithm, signingInput: string, signature: Uint8Array): boolean {
    const scheme = SCHEMES[alg]
    if (!hasLength(scheme, signature)) return false
    try {
      return verify(scheme.hash, Buffer.from(signingInput, 'latin1'), this.#input(alg), signature)
    } catch {
      return false
    }
  }
}

/** Whether the signature has the one length its algorithm allows, where it fixes one. */
function hasLength (scheme: Scheme, signature: Uint8Array): boolean {
  return scheme.signatureBytes === undefined || signature.length === scheme.signatureBytes
}
