/**
 * The load generator: autocannon, driven programmatically from the bench's own process.
 * A run sends no token, one fixed token, the next token of a cycle shared by all connections, or,
 * on each connection, the next token of that connection's own slice of a list.
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

/**
 * Where each request's token comes from: none; one token; the next of a cycle shared by all
 * connections (autocannon builds each request as it is sent, which costs the load generator about
 * 10 µs of CPU per request); or each connection's own slice of a list, its requests built before
 * the first is sent, so sending one costs what sending a fixed token does.
 */
export type TokenSource =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed', readonly token: string }
  | { readonly kind: 'cycle', readonly next: () => string }
  | { readonly kind: 'sliced', readonly tokens: readonly string[] }

export function cycle (tokens: readonly string[], start = 0): TokenSource {
  let i = start
  return { kind: 'cycle', next: () => tokens[i++ % tokens.length] as string }
}

/**
 * Each of the run's connections cycles through its own slice of `tokens` (slices do not overlap),
 * so a token comes round again only after about `tokens.length` requests, as with `cycle`.
 */
export function sliced (tokens: readonly string[]): TokenSource {
  return { kind: 'sliced', tokens }
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

/** Seconds a run spent building its requests before sending any, which its duration leaves out. */
interface Preparation { seconds: number }

function bearer (token: string): { headers: Record<string, string> } {
  return { headers: { authorization: `Bearer ${token}` } }
}

function options (o: LoadOptions, preparation: Preparation): autocannon.Options {
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
      requests: [{ setupRequest: (request) => ({ ...request, ...bearer(source.next()) }) }]
    }
  }
  if (source.kind === 'sliced') {
    const perConnection = Math.floor(source.tokens.length / o.connections)
    if (perConnection < 1) throw new RangeError(`${source.tokens.length} tokens cannot give each of ${o.connections} connections its own`)
    let connection = 0
    return {
      ...base,
      // autocannon builds every connection's requests here, before any is sent; that time is
      // taken out of the run's duration
      setupClient: (client) => {
        const started = performance.now()
        const first = perConnection * connection++
        client.setRequests(source.tokens.slice(first, first + perConnection).map(bearer))
        preparation.seconds += (performance.now() - started) / 1000
      }
    }
  }
  return base
}

function summarize (r: autocannon.Result, preparation: Preparation): LoadResult {
  const durationS = r.duration - preparation.seconds
  const statusCodes: Record<string, number> = {}
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0
  return {
    rps: r['2xx'] / durationS,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    durationS,
    statusCodes
  }
}

export function startLoad (o: LoadOptions): LoadRun {
  let instance: autocannon.Instance | undefined
  const preparation: Preparation = { seconds: 0 }
  const done = new Promise<LoadResult>((resolve, reject) => {
    instance = autocannon(options(o, preparation), (err, result) => { err != null ? reject(err) : resolve(summarize(result, preparation)) })
  })
  return { done, stop: () => { instance?.stop() } }
}

export async function load (o: LoadOptions): Promise<LoadResult> {
  return await startLoad(o).done
}
