/**
 * Which issuers are trusted, and the key set of each: the configured ones, built once, and those
 * `trustIssuer` accepts at run time, kept in a bounded LRU (lru-cache) with their key sets, so a
 * flood of tokens naming thousands of different allowed issuers cannot grow memory without bound.
 *
 * An `iss` is looked up before any network: an untrusted one causes no fetch, configured or not.
 * `trustIssuer` is asked again about an issuer it admitted on every lookup, and on every cache hit
 * of a token from it, so removing an issuer (a tenant deleted) stops its tokens at once: its entry
 * and key set are dropped, and its tokens refused as an unknown issuer's are. An answer that
 * changed replaces the entry, and the issuer's tokens are checked again under the new one.
 */
import { LRUCache } from 'lru-cache'
import type { VerifierCounters } from '../diagnostics/counters.js'
import { discoveryUrls, IssuerMetadata } from './discovery.js'
import { IssuerMismatchError, OptionError } from './errors.js'
import { loggableIss, NearMisses } from './issuer-diagnostics.js'
import { RemoteKeySet, type KeySetBackoff } from './jwks-cache.js'
import type { DynamicTrust, ResolvedIssuer, ResolvedOptions, TrustAnswer } from './options.js'

/** A trusted issuer and the key set its tokens verify against. */
export interface TrustedIssuer {
  readonly issuer: ResolvedIssuer
  readonly keySet: RemoteKeySet
  /** What `trustIssuer` answered when it admitted the issuer; `null` for a configured issuer. */
  readonly answer: TrustAnswer | null
}

/** The configured and the dynamically trusted issuers, with their key sets. */
export class IssuerRegistry {
  readonly #configured = new Map<string, TrustedIssuer>()
  readonly #trust: DynamicTrust | undefined
  readonly #dynamic: LRUCache<string, TrustedIssuer>
  readonly #nearMisses = new NearMisses()
  /** JWKS downloads of key sets the LRU has dropped, so that {@link fetchCount} never goes down. */
  #droppedFetches = 0
  /** Each dropped key set's downloads when it was dropped: one brought back counts only what it adds. */
  readonly #counted = new WeakMap<RemoteKeySet, number>()
  /**
   * The failure back-off of dropped key sets, by JWKS URI, so that the next set of that URI goes
   * on with it: an LRU that issuers cycle through cannot turn a failing or throttling JWKS
   * endpoint's back-off into a download per request. Bounded like the issuers.
   */
  readonly #backoffs: LRUCache<string, KeySetBackoff>

  constructor (private readonly options: ResolvedOptions, private readonly counters?: VerifierCounters) {
    const keySets = new Map<string, RemoteKeySet>()
    for (const issuer of options.issuers.values()) {
      this.#nearMisses.add(issuer.issuer)
      // Issuers sharing a JWKS URI share its cache; an issuer found by discovery has its own.
      const id = keySetId(issuer)
      let keySet = keySets.get(id)
      if (keySet === undefined) {
        keySet = createKeySet(issuer, options, counters)
        keySets.set(id, keySet)
      }
      this.#configured.set(issuer.issuer, { issuer, keySet, answer: null })
    }
    this.#trust = options.dynamicTrust
    this.#dynamic = new LRUCache<string, TrustedIssuer>({
      max: options.issuerCacheMaxEntries,
      dispose: (entry) => { this.#dropped(entry) }
    })
    this.#backoffs = new LRUCache<string, KeySetBackoff>({ max: options.issuerCacheMaxEntries })
  }

  /** Every key set of a configured issuer, once each. */
  get configuredKeySets (): RemoteKeySet[] {
    return [...new Set([...this.#configured.values()].map((t) => t.keySet))]
  }

  /** How many JWKS downloads were started, over all issuers, dropped ones included. */
  get fetchCount (): number {
    let n = this.#droppedFetches
    for (const set of this.configuredKeySets) n += set.fetchCount
    for (const entry of this.#dynamic.values()) n += entry.keySet.fetchCount - (this.#counted.get(entry.keySet) ?? 0)
    return n
  }

  /** How many issuers trusted at run time hold a key set now (at most `issuerCacheMaxEntries`). */
  get dynamicCount (): number {
    return this.#dynamic.size
  }

  /**
   * The trusted issuer named `iss`.
   *
   * @throws {IssuerMismatchError} when `iss` is missing or not trusted; the error carries `iss`,
   * escaped for logs, and names a near miss of a configured issuer.
   */
  lookup (iss: unknown): TrustedIssuer {
    if (typeof iss !== 'string') throw new IssuerMismatchError('The token has no "iss" claim; it is required.')
    const trusted = this.#configured.get(iss) ?? this.#current(iss, undefined)
    if (trusted !== undefined) return trusted
    throw this.#untrusted(iss)
  }

  /**
   * Whether a token verified under `held`, an issuer `trustIssuer` admitted, may still be trusted
   * as it was verified: `trustIssuer` still gives the same answer. False when the answer changed,
   * so the token must be verified again under the new one.
   *
   * @throws {IssuerMismatchError} when `trustIssuer` no longer trusts the issuer, or now answers
   * with a configuration that cannot be used.
   */
  stillTrusts (held: TrustedIssuer): boolean {
    const iss = held.issuer.issuer
    const current = this.#current(iss, held)
    if (current === undefined) throw this.#untrusted(iss)
    return current === held
  }

  #untrusted (iss: string): IssuerMismatchError {
    const miss = this.#nearMisses.of(iss)
    return new IssuerMismatchError(miss === undefined
      ? 'The token was issued by an issuer this resource does not trust.'
      : `The token was issued by an issuer this resource does not trust; it differs from a trusted issuer by ${miss} only, and issuers must match exactly.`, loggableIss(iss))
  }

  /**
   * The entry for `iss` as `trustIssuer` answers now: the one in hand while the answer is the
   * same, or `held` (a cached token's, which the LRU dropped) brought back with its keys; a new
   * one when the answer changed; none when `iss` is not trusted, and then the entry in hand, if
   * any, is dropped with its key set.
   */
  #current (iss: string, held: TrustedIssuer | undefined): TrustedIssuer | undefined {
    const trust = this.#trust
    if (trust === undefined) return undefined
    const dynamic = this.#dynamic
    const answer = trust.ask(iss)
    if (answer === undefined || answer === null) {
      dynamic.delete(iss)
      return undefined
    }
    const inHand = dynamic.get(iss)
    if (inHand !== undefined && sameAnswer(inHand.answer, answer)) return inHand
    if (held !== undefined && sameAnswer(held.answer, answer)) {
      dynamic.set(iss, held)
      return held
    }
    // A new issuer, or a changed answer: the entry in hand, if any, goes first (its back-off kept).
    dynamic.delete(iss)
    let issuer: ResolvedIssuer
    try {
      issuer = trust.resolve(iss, answer)
    } catch (err) {
      // A configuration trustIssuer returned that cannot be used: the token cannot be checked,
      // so it is refused (never a 500); the option error says why, for the application's logs.
      if (!(err instanceof OptionError)) throw err
      const refusal = new IssuerMismatchError('The token\'s issuer is trusted, but the configuration returned for it is invalid.', loggableIss(iss))
      refusal.cause = err
      throw refusal
    }
    const id = keySetId(issuer)
    const backoff = this.#backoffs.get(id)
    this.#backoffs.delete(id)
    const trusted = { issuer, keySet: createKeySet(issuer, this.options, this.counters, backoff), answer }
    dynamic.set(iss, trusted)
    return trusted
  }

  /**
   * An entry the LRU dropped (evicted, replaced or no longer trusted): counts its key set's
   * downloads, and keeps its failure back-off for the next key set of that URI.
   */
  #dropped ({ issuer, keySet }: TrustedIssuer): void {
    this.#droppedFetches += keySet.fetchCount - (this.#counted.get(keySet) ?? 0)
    this.#counted.set(keySet, keySet.fetchCount)
    const backoff = keySet.backoff
    if (backoff === undefined) this.#backoffs.delete(keySetId(issuer))
    else this.#backoffs.set(keySetId(issuer), backoff)
  }
}

/**
 * Whether two `trustIssuer` answers say the same: the same string, or objects with the same
 * members (one left `undefined` counting as left out), arrays and nested profiles compared the
 * same way. An application that builds a fresh object on each call keeps its issuer's entry.
 */
function sameAnswer (a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true
  // Configurations are shallow; the bound keeps a cyclic answer from recursing without end.
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > 4 || Array.isArray(a) !== Array.isArray(b)) return false
  const left = definedKeys(a)
  const right = definedKeys(b)
  return left.length === right.length && left.every((key) => sameAnswer((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1))
}

function definedKeys (value: object): string[] {
  return Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined)
}

/** What a key set is the cache of: its JWKS URI, or the issuer whose metadata names it. */
function keySetId (issuer: ResolvedIssuer): string {
  return issuer.jwksUri ?? `discovery ${issuer.issuer}`
}

function createKeySet (issuer: ResolvedIssuer, o: ResolvedOptions, counters: VerifierCounters | undefined, backoff?: KeySetBackoff): RemoteKeySet {
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
    backoff,
    ...(metadata === undefined ? {} : { resolveUri: async () => await metadata.jwksUri() })
  })
}
