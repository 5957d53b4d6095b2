/**
 * Row 10, flood: with the keys cached, one load sends 10k requests whose tokens name random
 * unknown kids, at a fixed rate (2,000/s) so every server faces the same attack, while another
 * load sends valid traffic (one repeated token) as fast as it is answered. How many JWKS fetches
 * does the flood cause, what do the attackers get, and how much valid traffic still gets through?
 */
import { startServer } from '../child.js'
import { cycle, load, startLoad, type LoadResult } from '../load.js'
import { unknownKidToken } from '../tokens.js'
import { COLD_START_APPS } from './cold-start.js'
import type { RunContext } from './context.js'
import { specFor } from './context.js'

export interface FloodResult {
  readonly id: string
  readonly label: string
  readonly ours: boolean
  readonly floodRequests: number
  readonly floodDurationS: number
  readonly jwksFetches: number
  readonly floodStatusCodes: Record<string, number>
  /** Server CPU time (all threads) per response, flood and valid together. */
  readonly cpuUsPerRequest: number
  readonly valid: LoadResult
}

export async function flood (ctx: RunContext, target: typeof COLD_START_APPS[number]): Promise<FloodResult> {
  const { config } = ctx
  const server = await startServer(specFor(ctx, target.app), config.profile ? { profileName: `flood-${target.id}` } : {})
  try {
    // Keys cached and code warm before the flood starts.
    await load({ origin: server.origin, connections: 10, tokens: { kind: 'fixed', token: ctx.tokens.repeat }, durationS: config.warmupS })
    const attackTokens = Array.from({ length: config.floodRequests }, (_, i) => unknownKidToken(ctx.tokens.repeat, i))
    const before = ctx.jwks.fetches
    const cpuBefore = (await server.stats()).cpuUs ?? 0
    const valid = startLoad({ origin: server.origin, connections: Math.max(1, Math.floor(config.connections / 2)), tokens: { kind: 'fixed', token: ctx.tokens.repeat }, durationS: 3600 })
    let attack: LoadResult
    try {
      attack = await load({ origin: server.origin, connections: Math.max(1, Math.floor(config.connections / 2)), tokens: cycle(attackTokens), amount: config.floodRequests, rate: config.floodRate })
    } finally {
      valid.stop()
    }
    const validResult = await valid.done
    const cpuUs = ((await server.stats()).cpuUs ?? 0) - cpuBefore
    return {
      id: target.id,
      label: target.label,
      ours: target.ours === true,
      floodRequests: config.floodRequests,
      floodDurationS: attack.durationS,
      jwksFetches: ctx.jwks.fetches - before,
      floodStatusCodes: attack.statusCodes,
      cpuUsPerRequest: cpuUs / Math.max(1, attack.ok + attack.non2xx + validResult.ok + validResult.non2xx),
      valid: validResult
    }
  } finally {
    await server.stop()
  }
}
