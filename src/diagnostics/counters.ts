/**
 * Counters a verifier keeps about itself: decisions by outcome and refusal code, JWKS downloads
 * by outcome, token-cache hits and misses. Each record also publishes on the matching
 * `node:diagnostics_channel` channel, so every place that records is one call.
 *
 * Counting costs an integer increment (a map update for a refusal); nothing is allocated on the
 * accepted or cache-hit paths.
 */
import type { FailureKind } from '../verifier/errors.js'
import { JWKS_FETCH_OUTCOMES, publishAccepted, publishJwksFetch, publishRefused, publishTokenCache, type JwksFetchOutcome } from './channels.js'

/** What {@link VerifierCounters.snapshot} returns: a frozen copy, detached from the live counters. */
export interface VerifierCountersSnapshot {
  /** Tokens that passed verification and the requirements of the hook that checked them. */
  readonly accepted: number
  /** Refusals by stable error code; codes never seen are absent. */
  readonly refused: Readonly<Record<string, number>>
  /** JWKS downloads by outcome; every outcome is present, 0 when never seen. */
  readonly jwksFetches: Readonly<Record<JwksFetchOutcome, number>>
  /** Token-cache lookups: `hits` answered from the cache, `misses` verified in full. */
  readonly tokenCache: Readonly<{ hits: number, misses: number }>
}

/** The fields of an error a refusal is counted by (a `ResourceServerError` has both). */
export interface CountedRefusal {
  readonly code: string
  readonly kind: FailureKind
}

/**
 * Running counts for one verifier (and every plugin instance that shares it).
 *
 * @example
 * ```ts
 * const counters = new VerifierCounters()
 * counters.refused(new TokenExpiredError('The token has expired.'))
 * counters.snapshot().refused // { ERR_TOKEN_EXPIRED: 1 }
 * ```
 */
export class VerifierCounters {
  #accepted = 0
  readonly #refused = new Map<string, number>()
  readonly #jwks = new Map<JwksFetchOutcome, number>()
  #hits = 0
  #misses = 0

  /** Counts (and publishes) an accepted token. */
  accepted (): void {
    this.#accepted++
    publishAccepted()
  }

  /** Counts (and publishes) a refusal by its code; the error's message is never read. */
  refused (err: CountedRefusal): void {
    this.#refused.set(err.code, (this.#refused.get(err.code) ?? 0) + 1)
    publishRefused(err.code, err.kind)
  }

  /** Counts (and publishes) a token-cache lookup: `true` for a hit. */
  tokenCache (hit: boolean): void {
    if (hit) this.#hits++
    else this.#misses++
    publishTokenCache(hit)
  }

  /** Counts (and publishes) a finished JWKS download; see {@link observeJwksFetch}, which times and classifies one. */
  jwksFetched (outcome: JwksFetchOutcome, status: number | null, durationMs: number, keys: number): void {
    this.#jwks.set(outcome, (this.#jwks.get(outcome) ?? 0) + 1)
    publishJwksFetch(outcome, status, durationMs, keys)
  }

  /** The counts now, as a frozen copy. */
  snapshot (): VerifierCountersSnapshot {
    return Object.freeze({
      accepted: this.#accepted,
      refused: Object.freeze(Object.fromEntries(this.#refused)),
      jwksFetches: Object.freeze(Object.fromEntries(JWKS_FETCH_OUTCOMES.map((o) => [o, this.#jwks.get(o) ?? 0])) as Record<JwksFetchOutcome, number>),
      tokenCache: Object.freeze({ hits: this.#hits, misses: this.#misses })
    })
  }
}
