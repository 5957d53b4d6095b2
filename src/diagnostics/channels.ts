/**
 * The `node:diagnostics_channel` channels this package publishes on, their message shapes, and
 * the helpers that publish them.
 *
 * Channel names are public API, like error codes: once published they keep their meaning. A
 * message carries only bounded values (outcomes, error codes, HTTP statuses, counts, durations):
 * never a token, a subject, a client id or any other claim, so a subscriber can turn every field
 * into a metric label without opening a door to unbounded cardinality or to credentials.
 *
 * Every helper reads `channel.hasSubscribers` before it builds anything, so with nobody
 * subscribed a publish costs one property read (measured in bench/scenarios/diagnostics.ts).
 */
import { channel } from 'node:diagnostics_channel'
import type { FailureKind } from '../verifier/errors.js'

/** One message per decision on a request's credentials: accepted, or refused with its code. */
export const VERIFY_CHANNEL = 'fastify-resource-server:verify'
/** One message per JWKS download, when it ends: its outcome, HTTP status and duration. */
export const JWKS_FETCH_CHANNEL = 'fastify-resource-server:jwks-fetch'
/** One message per token-cache lookup: a hit (answered from the cache) or a miss (verified in full). */
export const TOKEN_CACHE_CHANNEL = 'fastify-resource-server:token-cache'

/** A token that passed verification and the requirements of the hook that checked it. */
export interface AcceptedMessage {
  readonly outcome: 'accepted'
}

/** A refusal the plugin answered, by its stable code (see the README's error table). */
export interface RefusedMessage {
  readonly outcome: 'refused'
  /** The error's stable code, such as `ERR_TOKEN_EXPIRED`. */
  readonly code: string
  /** How the refusal was answered: `invalid_token` (401), `insufficient_scope` (403), `invalid_request` (400), `unavailable` (503). */
  readonly kind: FailureKind
}

/** What {@link VERIFY_CHANNEL} carries. */
export type VerifyMessage = AcceptedMessage | RefusedMessage

/**
 * How a JWKS download ended: `ok`, or why it failed: `http_status` (any answer but 200, redirects
 * included), `timeout`, `unreachable` (network error), `too_large` (over `jwksMaxBytes`),
 * `invalid` (not JSON, or no `keys` array), `error` (anything else).
 */
export type JwksFetchOutcome = 'ok' | 'http_status' | 'timeout' | 'unreachable' | 'too_large' | 'invalid' | 'error'

/** Every {@link JwksFetchOutcome}, for exhaustive tables and label checks. */
export const JWKS_FETCH_OUTCOMES: readonly JwksFetchOutcome[] = Object.freeze(['ok', 'http_status', 'timeout', 'unreachable', 'too_large', 'invalid', 'error'])

/** What {@link JWKS_FETCH_CHANNEL} carries. */
export interface JwksFetchMessage {
  readonly outcome: JwksFetchOutcome
  /** The HTTP status the JWKS endpoint answered, or null when no answer came (timeout, network error). */
  readonly status: number | null
  /** Wall time of the download, retry included, in milliseconds. */
  readonly durationMs: number
  /** Keys kept from the set on `ok`; 0 otherwise. */
  readonly keys: number
}

/** What {@link TOKEN_CACHE_CHANNEL} carries. */
export interface TokenCacheMessage {
  readonly outcome: 'hit' | 'miss'
}

const verifyChannel = channel(VERIFY_CHANNEL)
const jwksFetchChannel = channel(JWKS_FETCH_CHANNEL)
const tokenCacheChannel = channel(TOKEN_CACHE_CHANNEL)

// Messages without variable fields are built once: a subscriber's publish allocates nothing.
const ACCEPTED: AcceptedMessage = Object.freeze({ outcome: 'accepted' })
const HIT: TokenCacheMessage = Object.freeze({ outcome: 'hit' })
const MISS: TokenCacheMessage = Object.freeze({ outcome: 'miss' })

/**
 * Publishes an accepted token on {@link VERIFY_CHANNEL}.
 *
 * @example
 * ```ts
 * publishAccepted() // after the route's requirements passed
 * ```
 */
export function publishAccepted (): void {
  if (verifyChannel.hasSubscribers) verifyChannel.publish(ACCEPTED)
}

/**
 * Publishes a refusal on {@link VERIFY_CHANNEL}: its code and kind, nothing of its message.
 *
 * @example
 * ```ts
 * publishRefused(err.code, err.kind) // err: a ResourceServerError
 * ```
 */
export function publishRefused (code: string, kind: FailureKind): void {
  if (verifyChannel.hasSubscribers) verifyChannel.publish({ outcome: 'refused', code, kind } satisfies RefusedMessage)
}

/**
 * Publishes a finished JWKS download on {@link JWKS_FETCH_CHANNEL}.
 *
 * @example
 * ```ts
 * publishJwksFetch('http_status', 503, 12.5, 0)
 * ```
 */
export function publishJwksFetch (outcome: JwksFetchOutcome, status: number | null, durationMs: number, keys: number): void {
  if (jwksFetchChannel.hasSubscribers) jwksFetchChannel.publish({ outcome, status, durationMs, keys } satisfies JwksFetchMessage)
}

/**
 * Publishes a token-cache lookup on {@link TOKEN_CACHE_CHANNEL}.
 *
 * @example
 * ```ts
 * publishTokenCache(cached !== undefined)
 * ```
 */
export function publishTokenCache (hit: boolean): void {
  if (tokenCacheChannel.hasSubscribers) tokenCacheChannel.publish(hit ? HIT : MISS)
}
