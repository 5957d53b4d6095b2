/**
 * Row 11, memory: our server verifies 100k distinct tokens (EdDSA, so that minting them takes
 * seconds, padded to the length of the RS256 tokens), each sent once. RSS is read halfway and at
 * the end after a GC; the token cache must hold no more than `tokenCacheMaxEntries` tokens and
 * `tokenCacheMaxBytes` bytes (as it estimates them). The server caches on first use
 * (`tokenCacheAdmission: 'first-use'`): by default tokens used once never enter the cache, and the
 * row is there to show the bounds hold when every token does.
 */
import { startServer } from '../child.js'
import { cycle, load } from '../load.js'
import type { RunContext } from './context.js'
import { specFor } from './context.js'

export interface MemoryCheckpoint {
  readonly tokensVerified: number
  readonly rssBytes: number
  readonly heapUsedBytes: number
  readonly cachedTokenCount: number
  /** The cache's own estimate of the heap its tokens take (what tokenCacheMaxBytes bounds). */
  readonly cachedTokenBytes: number
}

export interface MemoryResult {
  readonly tokens: number
  readonly tokenCacheMaxEntries: number
  readonly tokenCacheMaxBytes: number
  readonly checkpoints: MemoryCheckpoint[]
  readonly peakRssBytes: number
  readonly failures: number
  /** True when the cache never held more than its bound at any checkpoint. */
  readonly withinBound: boolean
}

export async function memory (ctx: RunContext): Promise<MemoryResult> {
  const tokens = ctx.tokens.memory
  const server = await startServer(specFor(ctx, 'resource-server', { algorithms: ['RS256', 'EdDSA'], tokenCacheAdmission: 'first-use' }), ctx.config.profile ? { profileName: 'memory' } : {})
  try {
    const checkpoints: MemoryCheckpoint[] = []
    const read = async (verified: number): Promise<Record<string, number>> => {
      const s = await server.stats(true)
      checkpoints.push({ tokensVerified: verified, rssBytes: s.rss ?? 0, heapUsedBytes: s.heapUsed ?? 0, cachedTokenCount: s.cachedTokenCount ?? 0, cachedTokenBytes: s.cachedTokenBytes ?? 0 })
      return s
    }
    await read(0)
    const source = cycle(tokens)
    const half = Math.floor(tokens.length / 2)
    let failures = 0
    for (const amount of [half, tokens.length - half]) {
      const r = await load({ origin: server.origin, connections: ctx.config.connections, tokens: source, amount })
      failures += r.non2xx + r.errors
      await read((checkpoints.at(-1)?.tokensVerified ?? 0) + r.ok)
    }
    const last = await server.stats(true)
    const max = last.tokenCacheMaxEntries ?? 0
    const maxBytes = last.tokenCacheMaxBytes ?? 0
    return {
      tokens: tokens.length,
      tokenCacheMaxEntries: max,
      tokenCacheMaxBytes: maxBytes,
      checkpoints,
      peakRssBytes: last.maxRss ?? 0,
      failures,
      withinBound: checkpoints.every((c) => c.cachedTokenCount <= max && c.cachedTokenBytes <= maxBytes)
    }
  } finally {
    await server.stop()
  }
}
