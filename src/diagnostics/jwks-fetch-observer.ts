/**
 * Times and classifies one JWKS download for the counters and the `jwks-fetch` channel, around
 * the fetch the JWKS cache already makes: the download itself is not changed in any way.
 *
 * The download's errors carry a fixed `reason` beside their sentence, and that word is the
 * outcome here (callers of the verifier see `JwksUnavailableError`).
 */
import { publishJwksFetch, type JwksFetchOutcome } from './channels.js'
import type { VerifierCounters } from './counters.js'
import { JwksFetchError } from '../verifier/jwks-fetch.js'

/** The outcome of a failed download, and the HTTP status when the endpoint answered one. */
export interface JwksFetchFailure {
  readonly outcome: Exclude<JwksFetchOutcome, 'ok'>
  readonly status: number | null
}

/**
 * Why a JWKS download failed, from the error it threw: the download's own fixed reason, or
 * `error` for anything else.
 *
 * @example
 * ```ts
 * classifyJwksFetchError(err) // { outcome: 'http_status', status: 503 }
 * ```
 */
export function classifyJwksFetchError (err: unknown): JwksFetchFailure {
  if (!(err instanceof JwksFetchError)) return { outcome: 'error', status: null }
  return { outcome: err.reason, status: err.status ?? null }
}

/**
 * Runs `download`, then records how it ended on `counters` (and the `jwks-fetch` channel), or on
 * the channel alone when there are no counters. The result or error passes through untouched.
 *
 * @example
 * ```ts
 * jwks = await observeJwksFetch(this.options.counters, () => fetchJwks(this.uri, timeoutMs, maxBytes))
 * ```
 */
export async function observeJwksFetch<T extends readonly unknown[]> (counters: VerifierCounters | undefined, download: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const record = (outcome: JwksFetchOutcome, status: number | null, keys: number): void => {
    const durationMs = performance.now() - started
    if (counters === undefined) publishJwksFetch(outcome, status, durationMs, keys)
    else counters.jwksFetched(outcome, status, durationMs, keys)
  }
  let keys: T
  try {
    keys = await download()
  } catch (err) {
    const failure = classifyJwksFetchError(err)
    record(failure.outcome, failure.status, 0)
    throw err
  }
  record('ok', 200, keys.length)
  return keys
}
