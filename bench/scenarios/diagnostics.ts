/**
 * Metrics with nobody listening: what the diagnostics calls add to the repeated-token hot path.
 *
 * The wiring adds two calls to a repeated token's path: a token-cache hit and an acceptance
 * (`VerifierCounters.tokenCache(true)`, `.accepted()`), each an increment and a
 * `hasSubscribers` read. Three variants run in interleaved rounds in this process:
 *
 * - baseline: `verifier.verifyCached(token)`, a real cache hit, as the plugin calls it;
 * - no subscriber: the same, plus the two calls;
 * - subscribed: the same, with a Prometheus collector subscribed to every channel.
 *
 * The result is ns per request for each, and the ratio to the baseline taken within each round:
 * "no loss" is a median ratio of 1.00 within its interquartile range. Beside it, the bare publish
 * helper against an empty function, in ns per call.
 */
import { Registry } from 'prom-client'
import { publishAccepted } from '../../src/diagnostics/channels.js'
import { VerifierCounters } from '../../src/diagnostics/counters.js'
import { collectPrometheusMetrics } from '../../src/metrics/collector.js'
import { TokenVerifier } from '../../src/verifier/verifier.js'
import { CLIENT_ID, ISSUER } from '../identity.js'
import { spread, type Spread } from '../stats.js'
import type { RunContext } from './context.js'

export interface DiagnosticsResult {
  readonly rounds: number
  /** ns per repeated-token check, per variant, over the rounds. */
  readonly nsPerRequest: { readonly baseline: Spread, readonly noSubscriber: Spread, readonly subscribed: Spread }
  /** No subscriber ÷ baseline, one ratio per round (the two timed back to back); 1.00 means no cost. */
  readonly ratioNoSubscriber: Spread
  /** Subscribed ÷ baseline, median of the rounds' ratios. */
  readonly ratioSubscribed: number
  /** ns per call: an empty function, and `publishAccepted()` with nobody subscribed. */
  readonly nsPerCall: { readonly noop: number, readonly publish: number }
}

const BATCH = 1000

/** ns per call of `op`, run for `ms` milliseconds. */
function time (ms: number, op: () => unknown): number {
  let n = 0
  let sink = 0
  const started = performance.now()
  const until = started + ms
  let now = started
  while (now < until) {
    for (let i = 0; i < BATCH; i++) if (op() !== undefined) sink++
    n += BATCH
    now = performance.now()
  }
  // Reading the answers keeps the calls from being optimized away.
  if (sink !== n && sink !== 0) throw new Error('a bench variant changed its answer')
  return ((now - started) * 1e6) / n
}

export async function diagnostics (ctx: RunContext): Promise<DiagnosticsResult> {
  // First use: the row measures a cache hit, so the token must be cached after one verification.
  const verifier = new TokenVerifier({ issuer: { issuer: ISSUER, jwksUri: ctx.jwks.jwksUri }, clientId: CLIENT_ID, tokenCacheAdmission: 'first-use' })
  const token = ctx.tokens.repeat
  await verifier.verify(token)
  const counters = new VerifierCounters()
  const plain = (): unknown => verifier.verifyCached(token)
  const counted = (): unknown => {
    const hit = verifier.verifyCached(token)
    counters.tokenCache(hit !== undefined)
    counters.accepted()
    return hit
  }
  if (plain() === undefined || counted() === undefined) throw new Error('the bench token is not a cache hit')
  const rounds = ctx.config.quick ? 5 : 21
  const ms = ctx.config.quick ? 50 : 150
  const baseline: number[] = []
  const noSubscriber: number[] = []
  const subscribed: number[] = []
  const ratios: number[] = []
  const subscribedRatios: number[] = []
  // The bare helper with nobody subscribed, against an empty function.
  const noop: number[] = []
  const publish: number[] = []
  // Warm-up: every variant optimized before anything is timed.
  time(ms, plain)
  time(ms, counted)
  // Each round times two variants back to back, in alternating order, and takes their ratio
  // within the round: other work on the machine drifts between rounds more than within one.
  const paired = (other: () => unknown, into: number[], ratios: number[]): void => {
    for (let round = 0; round < rounds; round++) {
      const otherFirst = round % 2 === 1
      const x = otherFirst ? time(ms, other) : time(ms, plain)
      const y = otherFirst ? time(ms, plain) : time(ms, other)
      const [base, measured] = otherFirst ? [y, x] : [x, y]
      baseline.push(base)
      into.push(measured)
      ratios.push(measured / base)
    }
  }
  paired(counted, noSubscriber, ratios)
  for (let round = 0; round < rounds; round++) {
    noop.push(time(ms / 4, () => {}))
    publish.push(time(ms / 4, publishAccepted))
  }
  // Subscribed last, and once: node:diagnostics_channel swaps a channel's prototype when its
  // first subscriber comes and its last one goes, which deoptimizes every function that read
  // hasSubscribers; a server subscribes once, at start.
  const metrics = collectPrometheusMetrics({ registry: new Registry() })
  try {
    time(ms, counted)
    paired(counted, subscribed, subscribedRatios)
  } finally {
    metrics.close()
  }
  const b = spread(baseline)
  return {
    rounds,
    nsPerRequest: { baseline: b, noSubscriber: spread(noSubscriber), subscribed: spread(subscribed) },
    ratioNoSubscriber: spread(ratios),
    ratioSubscribed: spread(subscribedRatios).median,
    nsPerCall: { noop: spread(noop).median, publish: spread(publish).median }
  }
}
