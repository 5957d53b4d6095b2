/**
 * Times and classifies one JWKS download for the counters and the `jwks-fetch` channel, around
 * the fetch the JWKS cache already makes: the download itself is not changed in any way.
 *
 * The download's errors carry a sentence, not a code (callers see `JwksUnavailableError`), so the
 * outcome is read from that sentence here; test/diagnostics/jwks-fetch-observer.test.ts runs the
 * real download against failing loopback servers, so a reworded sentence fails a test, not a
 * dashboard.
 */
import { publishJwksFetch, type JwksFetchOutcome } from './channels.js'
import type { VerifierCounters } from './counters.js'

/** The outcome of a failed download, and the HTTP status when the endpoint answered one. */
export interface JwksFetchFailure {
  readonly outcome: Exclude<JwksFetchOutcome, 'ok'>
  readonly status: number | null
}

const FAILURES: ReadonlyArray<readonly [RegExp, Exclude<JwksFetchOutcome, 'ok'>]> = [
  [/answered HTTP \d{3}/, 'http_status'],
  [/no answer within/, 'timeout'],
  [/could not be reached/, 'unreachable'],
  [/byte cap/, 'too_large'],
  [/not JSON|no "keys" array/, 'invalid']
]

/**
 * Why a JWKS download failed, from the error it threw.
 *
 * @example
 * ```ts
 * classifyJwksFetchError(new Error('the JWKS endpoint answered HTTP 503')) // { outcome: 'http_status', status: 503 }
 * ```
 */
export function classifyJwksFetchError (err: unknown): JwksFetchFailure {
  const message = err instanceof Error ? err.message : ''
  const match = FAILURES.find(([pattern]) => pattern.test(message))
  if (match === undefined) return { outcome: 'error', status: null }
  const status = match[1] === 'http_status' ? Number(/HTTP (\d{3})/.exec(message)?.[1]) : null
  return { outcome: match[1], status }
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
