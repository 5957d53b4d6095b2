/**
 * The keys of one JWKS URI, cached with the rules a resource server needs under load and outage:
 *
 * - one fetch in flight at a time, whoever asks;
 * - an unknown `kid` refetches at most once per `cooldownMs` after a successful fetch, so random
 *   kids cannot hammer the issuer (jose's `cooldownDuration`, aws-jwt-verify's penalty box);
 * - keys older than `maxAgeMs` are fetched again, so a key removed from the JWKS stops being trusted;
 * - stale-while-revalidate: past max age, and up to `staleIfErrorMs` beyond it, requests are
 *   answered at once with the keys in hand while one background refresh runs (Envoy's async
 *   fetch); a refresh starts already in the last tenth of the max age (refresh-ahead), so steady
 *   traffic never sees an expired set;
 * - a failed fetch is not a missing key: it backs off exponentially, never starts the cooldown,
 *   and a `kid` that could not be looked up is {@link KeyLookupUnavailableError} (503), not 401.
 */
import { JwksUnavailableError, KeyLookupUnavailableError, KeyNotFoundError } from './errors.js'
import type { VerifierCounters } from '../diagnostics/counters.js'
import { observeJwksFetch } from '../diagnostics/jwks-fetch-observer.js'
import { fetchJwks, JwksFetchError } from './jwks-fetch.js'
import type { Jwk } from './jwk.js'

/** A key of the set. Its node:crypto import is memoized on `jwk` (see signature.ts). */
export class KeyEntry {
  /** False once a refresh no longer lists this key: tokens it signed stop being trusted. */
  live = true
  readonly fingerprint: string

  constructor (readonly jwk: Jwk) {
    // JSON keeps the members apart: a joined string would let `alg` or `kid` text shift one
    // member into the next, and two different keys could share a fingerprint.
    this.fingerprint = JSON.stringify([jwk.kty, jwk.alg, jwk.crv, jwk.n, jwk.e, jwk.x, jwk.y])
  }
}

interface KeySet {
  readonly byKid: ReadonlyMap<string, readonly KeyEntry[]>
  readonly fetchedAt: number
}

/** Timing and size rules for a {@link RemoteKeySet}, all in milliseconds or bytes. */
export interface RemoteKeySetOptions {
  readonly timeoutMs: number
  readonly maxBytes: number
  /** The largest RSA modulus kept, in bits. Default 4096. */
  readonly maxRsaBits?: number
  readonly cooldownMs: number
  readonly maxAgeMs: number
  readonly staleIfErrorMs: number
  readonly clock: () => number
  /** How long before max age a request starts a background refresh. Default: a tenth of `maxAgeMs`. */
  readonly refreshAheadMs?: number
  /** Where to download from, asked at each download (discovery); default: the set's `uri`. */
  readonly resolveUri?: () => Promise<string>
  /** Where each download's outcome and duration is counted (and published). Default: published only. */
  readonly counters?: VerifierCounters
  /** A failure back-off to go on with, from a set of the same URI that was dropped. Default: none. */
  readonly backoff?: KeySetBackoff
}

/** A failure back-off in progress: failures in a row, when the next download may start, and why the last failed. */
export interface KeySetBackoff {
  readonly failures: number
  readonly nextAttemptAt: number
  readonly lastError: string
}

const FIRST_BACKOFF_MS = 1000

/** The share of the max age, at its end, in which a request starts the next refresh. */
export const REFRESH_AHEAD_FRACTION = 0.1

const NOT_PUBLISHED = 'The token names a signing key the issuer does not publish.'

/** The cached keys of one JWKS URI. */
export class RemoteKeySet {
  #set: KeySet | undefined
  #inflight: Promise<KeySet> | undefined
  #failures = 0
  #nextAttemptAt = 0
  #lastError = ''
  readonly #refreshAge: number
  readonly #usableAge: number
  /** How many downloads were started, for tests and benchmarks. */
  fetchCount = 0
  /** How many lookups were answered with a set past its max age, for tests and benchmarks. */
  staleCount = 0

  constructor (readonly uri: string, private readonly options: RemoteKeySetOptions) {
    this.#refreshAge = options.maxAgeMs - (options.refreshAheadMs ?? Math.floor(options.maxAgeMs * REFRESH_AHEAD_FRACTION))
    this.#usableAge = options.maxAgeMs + options.staleIfErrorMs
    if (options.backoff !== undefined) {
      this.#failures = options.backoff.failures
      this.#nextAttemptAt = options.backoff.nextAttemptAt
      this.#lastError = options.backoff.lastError
    }
  }

  /** The failure back-off in progress, while downloads fail; for a later set of the same URI to go on with. */
  get backoff (): KeySetBackoff | undefined {
    return this.#failures === 0 ? undefined : { failures: this.#failures, nextAttemptAt: this.#nextAttemptAt, lastError: this.#lastError }
  }

  /**
   * The keys named `kid`. A request waits on a download only when it has no usable key: a cold
   * cache, a set past the stale window, or a `kid` the set in hand does not list.
   *
   * @throws {KeyNotFoundError} when no key has that `kid`.
   * @throws {KeyLookupUnavailableError} when the `kid` is unknown and the JWKS cannot be fetched.
   * @throws {JwksUnavailableError} when no usable set can be had.
   */
  async getKeys (kid: string): Promise<readonly KeyEntry[]> {
    const now = this.options.clock()
    const set = this.#usable(now)
    if (set === undefined) return this.#find(await this.#foreground(now), kid)
    const found = set.byKid.get(kid)
    if (found !== undefined) return found
    if (now - set.fetchedAt < this.options.cooldownMs) throw new KeyNotFoundError(NOT_PUBLISHED)
    if (this.#inflight === undefined && now < this.#nextAttemptAt) throw this.#unavailable(KeyLookupUnavailableError, now)
    try {
      return this.#find(await this.#refresh(), kid)
    } catch (err) {
      if (err instanceof KeyNotFoundError) throw err
      throw this.#unavailable(KeyLookupUnavailableError, this.options.clock())
    }
  }

  /**
   * Whether a token verified earlier with `entry` may still be trusted without a new lookup:
   * the key is still published and the set is usable (fresh, or stale within the window while
   * a background refresh runs or backs off). A refresh that no longer lists the key retires it.
   * Like every lookup, it starts the background refresh when one is due.
   */
  isTrusted (entry: KeyEntry, now: number): boolean {
    return this.#usable(now) !== undefined && entry.live
  }

  /** Fetches the set now unless a failure back-off is running; for prefetch at start-up. */
  async prefetch (): Promise<void> {
    await this.#foreground(this.options.clock())
  }

  /** Resolves once no download is in flight (a background refresh included); for tests and shutdown. */
  async settled (): Promise<void> {
    await this.#inflight?.catch(() => {})
  }

  /** The set in hand if it may still be used, starting a background refresh when one is due. */
  #usable (now: number): KeySet | undefined {
    const set = this.#set
    if (set === undefined) return undefined
    const age = now - set.fetchedAt
    if (age >= this.#refreshAge && this.#inflight === undefined && now >= this.#nextAttemptAt) {
      // Nobody awaits a background refresh: its failure is recorded by the back-off.
      this.#refresh().catch(() => {})
    }
    if (age >= this.#usableAge) return undefined
    if (age >= this.options.maxAgeMs) this.staleCount++
    return set
  }

  /** A download the caller waits for: joined if one runs, refused during a back-off. */
  async #foreground (now: number): Promise<KeySet> {
    if (this.#inflight === undefined && now < this.#nextAttemptAt) throw this.#unavailable(JwksUnavailableError, now)
    try {
      return await this.#refresh()
    } catch {
      throw this.#unavailable(JwksUnavailableError, this.options.clock())
    }
  }

  #find (set: KeySet, kid: string): readonly KeyEntry[] {
    const found = set.byKid.get(kid)
    if (found === undefined) throw new KeyNotFoundError(NOT_PUBLISHED)
    return found
  }

  #unavailable (Class: typeof JwksUnavailableError, now: number): JwksUnavailableError {
    const retryAfterMs = Math.max(this.#nextAttemptAt - now, 0)
    const message = Class === KeyLookupUnavailableError
      ? `The token names a signing key that is not in the cached set, and the issuer's keys cannot be fetched to look for it (${this.#lastError}); try again later.`
      : `The issuer's signing keys cannot be fetched (${this.#lastError}); try again later.`
    return new Class(message, retryAfterMs)
  }

  #refresh (): Promise<KeySet> {
    this.#inflight ??= this.#download().finally(() => { this.#inflight = undefined })
    return this.#inflight
  }

  async #download (): Promise<KeySet> {
    this.fetchCount++
    let jwks: Jwk[]
    try {
      jwks = await observeJwksFetch(this.options.counters, async () => {
        const uri = this.options.resolveUri === undefined ? this.uri : await this.options.resolveUri()
        return await fetchJwks(uri, this.options.timeoutMs, this.options.maxBytes, this.options.maxRsaBits)
      })
    } catch (err) {
      this.#failures++
      this.#lastError = (err as JwksFetchError).message
      const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (this.#failures - 1), Math.max(this.options.cooldownMs, FIRST_BACKOFF_MS))
      this.#nextAttemptAt = this.options.clock() + backoff
      throw err
    }
    this.#failures = 0
    this.#nextAttemptAt = 0
    const set = { byKid: this.#index(jwks), fetchedAt: this.options.clock() }
    this.#set = set
    return set
  }

  /** Builds the kid index, reusing entries (and their imported keys) that did not change. */
  #index (jwks: readonly Jwk[]): Map<string, KeyEntry[]> {
    const previous = new Map<string, KeyEntry>()
    for (const entries of this.#set?.byKid.values() ?? []) {
      for (const entry of entries) previous.set(JSON.stringify([entry.jwk.kid, entry.fingerprint]), entry)
    }
    const byKid = new Map<string, KeyEntry[]>()
    const kept = new Set<KeyEntry>()
    for (const jwk of jwks) {
      const fresh = new KeyEntry(jwk)
      const list = byKid.get(jwk.kid) ?? []
      // The same key listed twice is one key; different keys under one kid are all kept and
      // told apart by algorithm, then by trying each (as jose's remote JWKS does).
      if (list.some((e) => e.fingerprint === fresh.fingerprint)) continue
      const entry = previous.get(JSON.stringify([jwk.kid, fresh.fingerprint])) ?? fresh
      kept.add(entry)
      list.push(entry)
      byKid.set(jwk.kid, list)
    }
    for (const old of previous.values()) if (!kept.has(old)) old.live = false
    return byKid
  }
}
