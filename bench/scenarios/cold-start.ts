/**
 * Row 9, cold start: a server that has never fetched its keys gets 1,000 requests at once, each
 * with its own valid token. How many times does it fetch the JWKS, and when does the first 200
 * come back? Requests go out on 1,000 separate connections through node:http, not autocannon,
 * so they really are in flight together.
 */
import { Agent, request } from 'node:http'
import { startServer } from '../child.js'
import { ROUTE } from '../identity.js'
import type { AppName } from '../apps/index.js'
import type { RunContext } from './context.js'
import { specFor } from './context.js'
import { spread } from '../stats.js'

export interface ColdStartResult {
  readonly id: string
  readonly label: string
  readonly ours: boolean
  readonly requests: number
  readonly jwksFetches: number
  readonly firstOkMs: number | null
  readonly allDoneMs: number
  readonly statusCodes: Record<string, number>
  /** How many cold starts the figures summarise (medians of times; the most fetches any one made). */
  readonly rounds?: number
}

/**
 * One server's cold starts over several rounds, as one row: a single cold start is one sample of a
 * noisy race, so times are medians, JWKS fetches the worst round's, statuses summed.
 */
export function summarizeColdStarts (runs: readonly ColdStartResult[]): ColdStartResult {
  const first = runs[0] as ColdStartResult
  const ok = runs.map((r) => r.firstOkMs).filter((ms): ms is number => ms !== null)
  const statusCodes: Record<string, number> = {}
  for (const run of runs) for (const [code, n] of Object.entries(run.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n
  return {
    ...first,
    jwksFetches: Math.max(...runs.map((r) => r.jwksFetches)),
    firstOkMs: ok.length === runs.length ? spread(ok).median : null,
    allDoneMs: spread(runs.map((r) => r.allDoneMs)).median,
    statusCodes,
    rounds: runs.length
  }
}

export const COLD_START_APPS: ReadonlyArray<{ id: string, label: string, app: AppName, ours?: boolean }> = [
  { id: 'ours', label: 'fastify-resource-server', app: 'resource-server', ours: true },
  { id: 'fastify-jwt', label: '@fastify/jwt + get-jwks', app: 'fastify-jwt' },
  { id: 'aws', label: 'aws-jwt-verify', app: 'aws-jwt-verify' },
  { id: 'jwt-jwks', label: 'fastify-jwt-jwks', app: 'fastify-jwt-jwks' }
]

/** Round `round`'s order (from 1): the servers rotated, so each goes first in turn. */
export function coldStartOrder (round: number): ReadonlyArray<typeof COLD_START_APPS[number]> {
  const shift = (round - 1) % COLD_START_APPS.length
  return [...COLD_START_APPS.slice(shift), ...COLD_START_APPS.slice(0, shift)]
}

/**
 * Lets the bench process go quiet before a cold start: the previous server's sockets closed, its
 * garbage collected (with --expose-gc), so the race starts from the same state for every server.
 */
export async function settle (): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.()
  await new Promise((resolve) => setTimeout(resolve, 250))
}

function get (agent: Agent, url: URL, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', () => resolve(0))
    req.end()
  })
}

export async function coldStart (ctx: RunContext, target: typeof COLD_START_APPS[number]): Promise<ColdStartResult> {
  const n = ctx.config.coldRequests
  const server = await startServer(specFor(ctx, target.app), ctx.config.profile ? { profileName: `cold-${target.id}` } : {})
  const agent = new Agent({ keepAlive: false, maxSockets: n })
  try {
    const url = new URL(ROUTE, server.origin)
    const tokens = ctx.tokens.unique.slice(0, n)
    const before = ctx.jwks.fetches
    const started = performance.now()
    let firstOkMs: number | null = null
    const statuses = await Promise.all(tokens.map(async (token) => {
      const status = await get(agent, url, token)
      if (status === 200 && firstOkMs === null) firstOkMs = performance.now() - started
      return status
    }))
    const allDoneMs = performance.now() - started
    const statusCodes: Record<string, number> = {}
    for (const s of statuses) statusCodes[s] = (statusCodes[s] ?? 0) + 1
    return { id: target.id, label: target.label, ours: target.ours === true, requests: n, jwksFetches: ctx.jwks.fetches - before, firstOkMs, allDoneMs, statusCodes }
  } finally {
    agent.destroy()
    await server.stop()
  }
}
