/**
 * The verifier: takes a bearer token string and returns a {@link VerifiedToken}, or throws one of
 * the coded errors. It knows nothing of HTTP frameworks.
 *
 * The checks and their order live in verify-steps.ts; this file adds the verified-token cache.
 */
import { checkTimeWindow } from './claims.js'
import { TokenMalformedError } from './errors.js'
import { VerifierCounters } from '../diagnostics/counters.js'
import { IssuerRegistry, type TrustedIssuer } from './issuer-registry.js'
import { resolveOptions, type ResolvedOptions, type VerifierOptions } from './options.js'
import { TokenCache } from './token-cache.js'
import type { VerifiedToken } from './verified-token.js'
import { runChecks, type CheckedToken } from './verify-steps.js'

type CachedToken = CheckedToken<TrustedIssuer>

function requireToken (token: unknown): void {
  if (typeof token !== 'string' || token.length === 0) throw new TokenMalformedError('The token must be a non-empty string.')
}

/**
 * Verifies Cognito-style access (or ID) tokens against one or more issuers.
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier({ userPoolId: 'eu-west-1_AbC123', clientId: 'my-client-id' })
 * const token = await verifier.verify(bearer) // throws ResourceServerError subclasses
 * console.log(token.sub, token.scopes)
 * ```
 */
export class TokenVerifier {
  /** The options after defaults were applied. */
  readonly options: ResolvedOptions
  readonly #issuers: IssuerRegistry
  /** Verifications, refusals by code, JWKS downloads and cache lookups; `counters.snapshot()` reads them. */
  readonly counters = new VerifierCounters()
  readonly #cache: TokenCache<CachedToken>

  constructor (options: VerifierOptions) {
    this.options = resolveOptions(options)
    const o = this.options
    this.#issuers = new IssuerRegistry(o, this.counters)
    this.#cache = new TokenCache({ maxEntries: o.tokenCacheMaxEntries, maxBytes: o.tokenCacheMaxBytes, admission: o.tokenCacheAdmission })
  }

  /** How many JWKS downloads were started, over all issuers. For tests and benchmarks. */
  get jwksFetchCount (): number {
    return this.#issuers.fetchCount
  }

  /** How many issuers accepted by `trustIssuer` hold a cached key set now (`issuerCacheMaxEntries` bounds it). */
  get trustedIssuerCount (): number {
    return this.#issuers.dynamicCount
  }

  /** How many verified tokens are cached now. */
  get cachedTokenCount (): number {
    return this.#cache.size
  }

  /** The heap the cached tokens take, in bytes, as the cache estimates it (`tokenCacheMaxBytes` bounds it). */
  get cachedTokenBytes (): number {
    return this.#cache.bytes
  }

  /**
   * Fetches every configured issuer's JWKS now, so the first request does not wait for it.
   * Issuers trusted by `trustIssuer` are fetched when their first token comes.
   *
   * @throws {JwksUnavailableError} when any JWKS cannot be fetched.
   */
  async prefetch (): Promise<void> {
    await Promise.all(this.#issuers.configuredKeySets.map((set) => set.prefetch()))
  }

  /**
   * The synchronous half of {@link verify}: the verified token when `token` is in the cache and
   * may still be trusted, `undefined` when it must be verified in full. Lets a caller answer a
   * repeated token without a promise. A token from an issuer `trustIssuer` admitted is trusted
   * only while `trustIssuer` still answers for it as it did.
   *
   * @throws {ResourceServerError} when the cached token has expired, its issuer is no longer
   * trusted, or `token` is empty.
   */
  verifyCached (token: string): VerifiedToken | undefined {
    requireToken(token)
    const cached = this.#cache.get(token)
    if (cached === undefined) return undefined
    if (cached.trusted.answer !== null && !this.#issuerStillTrusted(token, cached.trusted)) return undefined
    const o = this.options
    const now = o.clock()
    if (cached.trusted.keySet.isTrusted(cached.key, now)) {
      try {
        checkTimeWindow(cached.times, now / 1000, o.clockToleranceSeconds)
        this.counters.tokenCache(true)
        return cached.token
      } catch (err) {
        this.#cache.delete(token)
        throw err
      }
    }
    this.#cache.delete(token)
    return undefined
  }

  /** Asks `trustIssuer` again about a cached token's issuer; forgets the token unless it answers as before. */
  #issuerStillTrusted (token: string, trusted: TrustedIssuer): boolean {
    let same: boolean
    try {
      same = this.#issuers.stillTrusts(trusted)
    } catch (err) {
      this.#cache.delete(token)
      throw err
    }
    if (!same) this.#cache.delete(token)
    return same
  }

  /**
   * Verifies `token` and returns what it says.
   *
   * @throws {ResourceServerError} one subclass per failure; see the README's error table.
   */
  async verify (token: string): Promise<VerifiedToken> {
    return this.verifyCached(token) ?? await this.verifyInFull(token)
  }

  /**
   * The asynchronous half of {@link verify}: every check, without looking in the cache first, and
   * the result offered to the cache. For a caller that has just had `undefined` from
   * {@link verifyCached}; it is counted as a cache miss.
   *
   * @throws {ResourceServerError} one subclass per failure; see the README's error table.
   * @example
   * ```ts
   * const token = verifier.verifyCached(bearer) ?? await verifier.verifyInFull(bearer)
   * ```
   */
  async verifyInFull (token: string): Promise<VerifiedToken> {
    requireToken(token)
    // Counted here, not in verifyCached, which also answers callers that go on to verify().
    this.counters.tokenCache(false)
    const o = this.options
    const checked = await runChecks(token, o, this.#issuers)
    this.#cache.set(token, checked, (checked.times.exp + o.clockToleranceSeconds) * 1000 - checked.checkedAt)
    return checked.token
  }
}
