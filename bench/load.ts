/**
 * The load generator: autocannon, driven programmatically from the bench's own process.
 * A run sends either one fixed token or the next token of a shared cycle on every request.
 */
import autocannon from 'autocannon'
import { ROUTE } from './identity.js'

/** What one autocannon run measured. */
export interface LoadResult {
  /** 2xx responses per second. */
  readonly rps: number
  readonly ok: number
  readonly non2xx: number
  readonly errors: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly durationS: number
  readonly statusCodes: Record<string, number>
}

/** Where each request's token comes from: one token, or the next of a cycle (shared by all connections). */
export type TokenSource = { readonly kind: 'none' } | { readonly kind: 'fixed', readonly token: string } | { readonly kind: 'cycle', readonly next: () => string }

export function cycle (tokens: readonly string[], start = 0): TokenSource {
  let i = start
  return { kind: 'cycle', next: () => tokens[i++ % tokens.length] as string }
}

export interface LoadOptions {
  readonly origin: string
  readonly connections: number
  readonly tokens: TokenSource
  /** Seconds to run; ignored when `amount` is given. */
  readonly durationS?: number
  /** Stop after this many responses. */
  readonly amount?: number
  /** Send at most this many requests per second over all connections (open-loop), instead of as fast as answered. */
  readonly rate?: number
}

/** A run under way: its result, and a way to end it early. */
export interface LoadRun {
  readonly done: Promise<LoadResult>
  stop: () => void
}

function options (o: LoadOptions): autocannon.Options {
  const base: autocannon.Options = {
    url: `${o.origin}${ROUTE}`,
    connections: o.connections,
    pipelining: 1,
    timeout: 30,
    // autocannon ends a run (and honours stop()) on its next sample tick: 100 ms, not the default
    // second, so short and stopped runs end when they should and their durations are exact
    sampleInt: 100,
    ...(o.amount === undefined ? { duration: o.durationS ?? 5 } : { amount: o.amount }),
    ...(o.rate === undefined ? {} : { overallRate: o.rate })
  }
  const source = o.tokens
  if (source.kind === 'fixed') return { ...base, headers: { authorization: `Bearer ${source.token}` } }
  if (source.kind === 'cycle') {
    return {
      ...base,
      // setupRequest runs for every request, so each one carries the next token of the cycle
      requests: [{ setupRequest: (request) => ({ ...request, headers: { authorization: `Bearer ${source.next()}` } }) }]
    }
  }
  return base
}

function summarize (r: autocannon.Result): LoadResult {
  const statusCodes: Record<string, number> = {}
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0
  return {
    rps: r['2xx'] / r.duration,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    durationS: r.duration,
    statusCodes
  }
}

export function startLoad (o: LoadOptions): LoadRun {
  let instance: autocannon.Instance | undefined
  const done = new Promise<LoadResult>((resolve, reject) => {
    instance = autocannon(options(o), (err, result) => { err != null ? reject(err) : resolve(summarize(result)) })
  })
  return { done, stop: () => { instance?.stop() } }
}

export async function load (o: LoadOptions): Promise<LoadResult> {
  return await startLoad(o).done
}
