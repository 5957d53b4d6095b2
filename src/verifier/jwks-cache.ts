/**
 * The keys of one JWKS URI, cached with the rules a resource server needs under load and outage:
 *
 * - one fetch in flight at a time, whoever asks;
 * - an unknown `kid` refetches at most once per `cooldownMs`, so random kids cannot hammer the
 *   issuer (jose's `cooldownDuration`, aws-jwt-verify's penalty box);
 * - keys older than `maxAgeMs` are fetched again, so a key removed from the JWKS stops being trusted;
 * - when a fetch fails, failures back off exponentially, and the last good keys keep serving for
 *   `staleIfErrorMs` past their max age.
 */
import { importJWK, type CryptoKey } from 'jose'
import type { Algorithm } from './algorithms.js'
import { JwksUnavailableError, KeyNotFoundError } from './errors.js'
import { fetchJwks, JwksFetchError } from './jwks-fetch.js'
import type { Jwk } from './jwk.js'

/** A key of the set, with its imports memoized per algorithm. */
export class KeyEntry {
  /** False once a refresh no longer lists this key: tokens it signed stop being trusted. */
  live = true
  readonly #imported = new Map<Algorithm, Promise<CryptoKey>>()
  readonly fingerprint: string

  constructor (readonly jwk: Jwk) {
    // JSON keeps the members apart: a joined string would let `alg` or `kid` text shift one
    // member into the next, and two different keys could share a fingerprint.
    this.fingerprint = JSON.stringify([jwk.kty, jwk.alg, jwk.crv, jwk.n, jwk.e, jwk.x, jwk.y])
  }

  /** The key imported for `alg`, imported once. */
  key (alg: Algorithm): Promise<CryptoKey> {
    let imported = this.#imported.get(alg)
    if (imported === undefined) {
      imported = importJWK({ ...this.jwk, ext: false }, alg) as Promise<CryptoKey>
      this.#imported.set(alg, imported)
    }
    return imported
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
  readonly cooldownMs: number
  readonly maxAgeMs: number
  readonly staleIfErrorMs: number
  readonly clock: () => number
}

const FIRST_BACKOFF_MS = 1000

/** The cached keys of one JWKS URI. */
export class RemoteKeySet {
  #set: KeySet | undefined
  #inflight: Promise<KeySet> | undefined
  #lastFetchAt = Number.NEGATIVE_INFINITY
  #failures = 0
  #nextAttemptAt = 0
  #lastError = ''
  /** How many downloads were started, for tests and benchmarks. */
  fetchCount = 0

  constructor (readonly uri: string, private readonly options: RemoteKeySetOptions) {}

  /**
   * The keys named `kid`, fetching or refreshing the set when the rules allow.
   *
   * @throws {KeyNotFoundError} when no key has that `kid`.
   * @throws {JwksUnavailableError} when no usable set can be had.
   */
  async getKeys (kid: string): Promise<readonly KeyEntry[]> {
    const now = this.options.clock()
    let set = this.#set
    if (set !== undefined && now - set.fetchedAt < this.options.maxAgeMs) {
      const found = set.byKid.get(kid)
      if (found !== undefined) return found
      if (this.#inflight === undefined && (now - this.#lastFetchAt < this.options.cooldownMs || now < this.#nextAttemptAt)) {
        throw new KeyNotFoundError('The token names a signing key the issuer does not publish.')
      }
      set = await this.#refresh().catch(() => set as KeySet)
    } else {
      set = await this.#usableSet(now)
    }
    const found = set.byKid.get(kid)
    if (found === undefined) throw new KeyNotFoundError('The token names a signing key the issuer does not publish.')
    return found
  }

  /**
   * Whether a token verified earlier with `entry` may still be trusted without a new lookup:
   * the key is still published, and the set is fresh, or stale while a failed refresh backs off
   * (within the outage window). Once a refresh may be tried again, a stale set is not trusted,
   * so the next request refetches and a key removed meanwhile stops being accepted.
   */
  isTrusted (entry: KeyEntry, now: number): boolean {
    const set = this.#set
    if (!entry.live || set === undefined) return false
    const age = now - set.fetchedAt
    if (age < this.options.maxAgeMs) return true
    // #nextAttemptAt lies ahead only while a failed refresh backs off
    return now < this.#nextAttemptAt && age < this.options.maxAgeMs + this.options.staleIfErrorMs
  }

  /** Fetches the set now unless a failure back-off is running; for prefetch at start-up. */
  async prefetch (): Promise<void> {
    await this.#usableSet(this.options.clock())
  }

  async #usableSet (now: number): Promise<KeySet> {
    const set = this.#set
    if (this.#inflight !== undefined || now >= this.#nextAttemptAt) {
      try {
        return await this.#refresh()
      } catch {}
    }
    const after = this.options.clock()
    if (set !== undefined && after - set.fetchedAt < this.options.maxAgeMs + this.options.staleIfErrorMs) return set
    const retryAfterMs = Math.max(this.#nextAttemptAt - after, 0)
    throw new JwksUnavailableError(`The issuer's signing keys cannot be fetched (${this.#lastError}); try again later.`, retryAfterMs)
  }

  #refresh (): Promise<KeySet> {
    this.#inflight ??= this.#download().finally(() => { this.#inflight = undefined })
    return this.#inflight
  }

  async #download (): Promise<KeySet> {
    this.#lastFetchAt = this.options.clock()
    this.fetchCount++
    let jwks: Jwk[]
    try {
      jwks = await fetchJwks(this.uri, this.options.timeoutMs, this.options.maxBytes)
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
