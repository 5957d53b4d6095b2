/**
 * Which issuers are trusted, and the key set of each: the configured ones, built once, and those
 * `trustIssuer` accepts at run time, kept in a bounded LRU (lru-cache) with their key sets, so a
 * flood of tokens naming thousands of different allowed issuers cannot grow memory without bound.
 *
 * An `iss` is looked up before any network: an untrusted one causes no fetch, configured or not.
 */
import { LRUCache } from 'lru-cache'
import type { VerifierCounters } from '../diagnostics/counters.js'
import { discoveryUrls, IssuerMetadata } from './discovery.js'
import { IssuerMismatchError, OptionError } from './errors.js'
import { loggableIss, NearMisses } from './issuer-diagnostics.js'
import { RemoteKeySet } from './jwks-cache.js'
import type { ResolvedIssuer, ResolvedOptions } from './options.js'

/** A trusted issuer and the key set its tokens verify against. */
export interface TrustedIssuer {
  readonly issuer: ResolvedIssuer
  readonly keySet: RemoteKeySet
}

/** The configured and the dynamically trusted issuers, with their key sets. */
export class IssuerRegistry {
  readonly #configured = new Map<string, TrustedIssuer>()
  readonly #dynamic: LRUCache<string, TrustedIssuer> | undefined
  readonly #nearMisses = new NearMisses()
  /** JWKS downloads of key sets the LRU has evicted, so that {@link fetchCount} never goes down. */
  #evictedFetches = 0

  constructor (private readonly options: ResolvedOptions, private readonly counters?: VerifierCounters) {
    const keySets = new Map<string, RemoteKeySet>()
    for (const issuer of options.issuers.values()) {
      this.#nearMisses.add(issuer.issuer)
      // Issuers sharing a JWKS URI share its cache; an issuer found by discovery has its own.
      const id = issuer.jwksUri ?? `discovery ${issuer.issuer}`
      let keySet = keySets.get(id)
      if (keySet === undefined) {
        keySet = createKeySet(issuer, options, counters)
        keySets.set(id, keySet)
      }
      this.#configured.set(issuer.issuer, { issuer, keySet })
    }
    this.#dynamic = options.trustIssuer === undefined
      ? undefined
      : new LRUCache<string, TrustedIssuer>({
        max: options.issuerCacheMaxEntries,
        dispose: (entry) => { this.#evictedFetches += entry.keySet.fetchCount }
      })
  }

  /** Every key set of a configured issuer, once each. */
  get configuredKeySets (): RemoteKeySet[] {
    return [...new Set([...this.#configured.values()].map((t) => t.keySet))]
  }

  /** How many JWKS downloads were started, over all issuers, evicted ones included. */
  get fetchCount (): number {
    let n = this.#evictedFetches
    for (const set of this.configuredKeySets) n += set.fetchCount
    for (const entry of this.#dynamic?.values() ?? []) n += entry.keySet.fetchCount
    return n
  }

  /** How many issuers trusted at run time hold a key set now (at most `issuerCacheMaxEntries`). */
  get dynamicCount (): number {
    return this.#dynamic?.size ?? 0
  }

  /**
   * The trusted issuer named `iss`.
   *
   * @throws {IssuerMismatchError} when `iss` is missing or not trusted; the error carries `iss`,
   * escaped for logs, and names a near miss of a configured issuer.
   */
  lookup (iss: unknown): TrustedIssuer {
    if (typeof iss !== 'string') throw new IssuerMismatchError('The token has no "iss" claim; it is required.')
    const trusted = this.#configured.get(iss) ?? this.#dynamic?.get(iss) ?? this.#trustNow(iss)
    if (trusted !== undefined) return trusted
    const miss = this.#nearMisses.of(iss)
    throw new IssuerMismatchError(miss === undefined
      ? 'The token was issued by an issuer this resource does not trust.'
      : `The token was issued by an issuer this resource does not trust; it differs from a trusted issuer by ${miss} only, and issuers must match exactly.`, loggableIss(iss))
  }

  #trustNow (iss: string): TrustedIssuer | undefined {
    if (this.#dynamic === undefined) return undefined
    let issuer: ResolvedIssuer | undefined
    try {
      issuer = (this.options.trustIssuer as (iss: string) => ResolvedIssuer | undefined)(iss)
    } catch (err) {
      // A configuration trustIssuer returned that cannot be used: the token cannot be checked,
      // so it is refused (never a 500); the option error says why, for the application's logs.
      if (!(err instanceof OptionError)) throw err
      const refusal = new IssuerMismatchError('The token\'s issuer is trusted, but the configuration returned for it is invalid.', loggableIss(iss))
      refusal.cause = err
      throw refusal
    }
    if (issuer === undefined) return undefined
    const trusted = { issuer, keySet: createKeySet(issuer, this.options, this.counters) }
    this.#dynamic.set(iss, trusted)
    return trusted
  }
}

function createKeySet (issuer: ResolvedIssuer, o: ResolvedOptions, counters: VerifierCounters | undefined): RemoteKeySet {
  const metadata = issuer.jwksUri === null
    ? new IssuerMetadata(issuer.issuer, { timeoutMs: o.jwksTimeoutMs, maxBytes: o.jwksMaxBytes, maxAgeMs: o.jwksMaxAgeMs, insecureHttpHosts: o.insecureHttpHosts, clock: o.clock })
    : undefined
  return new RemoteKeySet(issuer.jwksUri ?? discoveryUrls(issuer.issuer)[0], {
    timeoutMs: o.jwksTimeoutMs,
    maxBytes: o.jwksMaxBytes,
    maxRsaBits: o.maxRsaKeyBits,
    cooldownMs: o.jwksCooldownMs,
    maxAgeMs: o.jwksMaxAgeMs,
    staleIfErrorMs: o.jwksStaleIfErrorMs,
    clock: o.clock,
    counters,
    ...(metadata === undefined ? {} : { resolveUri: async () => await metadata.jwksUri() })
  })
}
