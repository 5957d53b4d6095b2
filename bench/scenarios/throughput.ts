/**
 * Rows 1–7: req/s of each server under a steady load, in interleaved rounds. Each measurement
 * gets a fresh server process (cold caches, its own peak RSS), a warm-up, then the timed run.
 */
import { startServer } from '../child.js'
import { load, sliced, type LoadResult, type TokenSource } from '../load.js'
import { forgedStatus } from '../sanity.js'
import { spread, type Spread } from '../stats.js'
import type { RunContext } from './context.js'
import { specFor } from './context.js'
import type { ThroughputScenario } from './registry.js'

export interface RoundResult extends LoadResult {
  readonly round: number
  readonly maxRssBytes: number
  /** Server CPU time (all threads) per response: far less sensitive to a busy machine than req/s. */
  readonly cpuUsPerRequest: number
  /** The status a forged token got (rows that authenticate); a 2xx fails the row. */
  readonly forgedStatus?: number
  readonly serverStats: Record<string, number>
}

export interface ThroughputResult {
  readonly scenario: ThroughputScenario
  readonly rounds: RoundResult[]
  readonly rps: Spread
  /** Median over rounds of each round's p99 latency. */
  readonly p99Ms: number
  /** Median over rounds of the server's CPU µs per response. */
  readonly cpuUsPerRequest: number
  /** Highest peak RSS of the server process over the rounds. */
  readonly peakRssBytes: number
  /** Non-2xx responses, socket errors, and forged tokens accepted: a row with any did not measure what it claims. */
  readonly failures: number
}

function tokensFor (ctx: RunContext, scenario: ThroughputScenario): TokenSource {
  if (scenario.workload === 'repeat') return { kind: 'fixed', token: ctx.tokens.repeat }
  if (scenario.workload === 'unique') return sliced(ctx.tokens.unique)
  return { kind: 'none' }
}

async function measure (ctx: RunContext, scenario: ThroughputScenario, round: number): Promise<RoundResult> {
  const { config } = ctx
  const upstream = scenario.upstream === undefined ? undefined : await startServer(specFor(ctx, scenario.upstream))
  try {
    const server = await startServer(specFor(ctx, scenario.app, scenario.options, upstream?.origin), {
      ...(config.profile ? { profileName: `${scenario.id}-r${round}` } : {}),
      ...(scenario.env === undefined ? {} : { env: scenario.env })
    })
    try {
      const tokens = tokensFor(ctx, scenario)
      const forged = scenario.noAuth === true ? undefined : await forgedStatus(server.origin, ctx.tokens.repeat)
      await load({ origin: server.origin, connections: config.connections, tokens, durationS: config.warmupS })
      const before = await server.stats()
      const result = await load({ origin: server.origin, connections: config.connections, tokens, durationS: config.durationS })
      const serverStats = await server.stats()
      const cpuUsPerRequest = ((serverStats.cpuUs ?? 0) - (before.cpuUs ?? 0)) / Math.max(1, result.ok + result.non2xx)
      return { ...result, round, maxRssBytes: serverStats.maxRss ?? 0, cpuUsPerRequest, ...(forged === undefined ? {} : { forgedStatus: forged }), serverStats }
    } finally {
      await server.stop()
    }
  } finally {
    await upstream?.stop()
  }
}

/** Runs every scenario once per round, in the same order each round. */
export async function runThroughput (ctx: RunContext, scenarios: readonly ThroughputScenario[], beforeRound?: (round: number) => Promise<void>): Promise<ThroughputResult[]> {
  const rounds = new Map<string, RoundResult[]>(scenarios.map((s) => [s.id, []]))
  for (let round = 1; round <= ctx.config.rounds; round++) {
    await beforeRound?.(round)
    for (const scenario of scenarios) {
      const r = await measure(ctx, scenario, round)
      rounds.get(scenario.id)?.push(r)
      let bad = r.non2xx + r.errors > 0 ? `  !! ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors` : ''
      if (r.forgedStatus !== undefined && r.forgedStatus < 300) bad += `  !! a forged token got ${r.forgedStatus}`
      ctx.log(`round ${round} ${scenario.id.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s  ${r.cpuUsPerRequest.toFixed(0).padStart(4)} µs cpu/req  p99 ${r.p99Ms} ms  rss ${(r.maxRssBytes / 2 ** 20).toFixed(0)} MB${bad}`)
    }
  }
  return scenarios.map((scenario) => {
    const list = rounds.get(scenario.id) ?? []
    return {
      scenario,
      rounds: list,
      rps: spread(list.map((r) => r.rps)),
      p99Ms: spread(list.map((r) => r.p99Ms)).median,
      cpuUsPerRequest: spread(list.map((r) => r.cpuUsPerRequest)).median,
      peakRssBytes: Math.max(...list.map((r) => r.maxRssBytes)),
      failures: list.reduce((n, r) => n + r.non2xx + r.errors + (r.forgedStatus !== undefined && r.forgedStatus < 300 ? 1 : 0), 0)
    }
  })
}
