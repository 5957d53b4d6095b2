/**
 * What the package reports about itself: the `node:diagnostics_channel` channels it publishes on,
 * and the counters a verifier keeps. Free of dependencies; Prometheus lives in
 * `fastify-resource-server/metrics`.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel'
 * import { VERIFY_CHANNEL, type VerifyMessage } from 'fastify-resource-server'
 * subscribe(VERIFY_CHANNEL, (message) => { const m = message as VerifyMessage; if (m.outcome === 'refused') console.log(m.code) })
 * ```
 */
export {
  VERIFY_CHANNEL, JWKS_FETCH_CHANNEL, TOKEN_CACHE_CHANNEL, JWKS_FETCH_OUTCOMES,
  type VerifyMessage, type AcceptedMessage, type RefusedMessage, type JwksFetchMessage, type JwksFetchOutcome, type TokenCacheMessage
} from './channels.js'
export { VerifierCounters, type VerifierCountersSnapshot, type CountedRefusal } from './counters.js'
