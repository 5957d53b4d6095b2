/**
 * The throughput rows: which server, which workload. Rounds run every row in this order, then
 * start again (round 1: A B C …, round 2: A B C …), so drift on the machine hits all rows alike.
 *
 * `group` says which rows compare with which: within a group, `ours` rows are compared with
 * every other row (the peers).
 */
import type { AppName } from '../apps/index.js'

/** What each request carries: nothing, one token repeated, or the next token of a pool larger than any cache. */
export type Workload = 'none' | 'repeat' | 'unique'

export interface ThroughputScenario {
  /** Stable id, used in the JSON and by BENCH_ONLY. */
  readonly id: string
  /** The row number. */
  readonly row: string
  readonly label: string
  readonly app: AppName
  readonly options?: Readonly<Record<string, unknown>>
  readonly workload: Workload
  readonly group: 'baseline' | 'repeat' | 'unique' | 'proxy'
  readonly ours?: boolean
  /** A reference point, not a peer a user would pick: never the "best peer" of a goal. */
  readonly reference?: true
  /** The server authenticates nobody (baseline, bare proxy): skip the forged-token check. */
  readonly noAuth?: true
  /** Environment variables of the server process (the row's deployment setting, not an option). */
  readonly env?: Readonly<Record<string, string>>
  /** A server forked first and handed to this one as `context.upstream` (row 7). */
  readonly upstream?: AppName
}

export const THROUGHPUT: readonly ThroughputScenario[] = [
  // The baseline carries the same bearer header, unread: the rows then differ by what the server
  // does with it, not by how many bytes cross the socket.
  { id: 'baseline', row: '1', label: 'Fastify, no authentication (same bearer header, unread)', app: 'baseline', workload: 'repeat', group: 'baseline', noAuth: true },
  { id: 'ours-repeat', row: '2', label: 'fastify-resource-server, one repeated token', app: 'resource-server', workload: 'repeat', group: 'repeat', ours: true },
  // Issue 12: the same row with the Prometheus collector subscribed (the cost of metrics when on).
  { id: 'ours-repeat-metrics', row: '2', label: 'fastify-resource-server, one repeated token, Prometheus metrics on', app: 'resource-server', options: { metrics: true }, workload: 'repeat', group: 'repeat', ours: true },
  { id: 'ours-unique', row: '3', label: 'fastify-resource-server, unique tokens', app: 'resource-server', workload: 'unique', group: 'unique', ours: true },
  // Issue 9's choice, measured again on every run: the same server checking signatures on the event
  // loop (crypto.verify's synchronous form) instead of libuv's threadpool.
  { id: 'ours-unique-sync', row: '3', label: 'fastify-resource-server, unique tokens, verifyOnThreadpool: false', app: 'resource-server', options: { verifyOnThreadpool: false }, workload: 'unique', group: 'unique', ours: true },
  // Not the default, a deployment setting: libuv's pool cut to one thread, beside the event loop,
  // on this 2-core machine. Four threads (libuv's default) contend with the event loop for two
  // cores; one drains its queue without sleeping. Reported for information, never a goal.
  { id: 'ours-unique-pool1', row: '3', label: 'fastify-resource-server, unique tokens, UV_THREADPOOL_SIZE=1', app: 'resource-server', env: { UV_THREADPOOL_SIZE: '1' }, workload: 'unique', group: 'unique', ours: true },
  // Row 8, measured: the ceiling's work (the HTTP request plus one RS256 check) done on one core,
  // end to end. A reference, not a verifier (see apps/signature-only.ts).
  { id: 'signature-only-unique', row: '8', label: 'the one-core floor: one synchronous crypto.verify per request and nothing else (a reference, not a verifier)', app: 'signature-only', workload: 'unique', group: 'unique', reference: true },
  { id: 'fastify-jwt-cache-repeat', row: '4', label: '@fastify/jwt + get-jwks, fast-jwt cache on, repeated token', app: 'fastify-jwt', options: { cache: true }, workload: 'repeat', group: 'repeat' },
  { id: 'fastify-jwt-nocache-repeat', row: '4', label: '@fastify/jwt + get-jwks, cache off, repeated token', app: 'fastify-jwt', options: { cache: false }, workload: 'repeat', group: 'repeat' },
  { id: 'fastify-jwt-cache-unique', row: '4', label: '@fastify/jwt + get-jwks, fast-jwt cache on, unique tokens', app: 'fastify-jwt', options: { cache: true }, workload: 'unique', group: 'unique' },
  { id: 'fastify-jwt-nocache-unique', row: '4', label: '@fastify/jwt + get-jwks, cache off, unique tokens', app: 'fastify-jwt', options: { cache: false }, workload: 'unique', group: 'unique' },
  { id: 'aws-repeat', row: '5', label: 'aws-jwt-verify in onRequest, repeated token', app: 'aws-jwt-verify', workload: 'repeat', group: 'repeat' },
  { id: 'aws-unique', row: '5', label: 'aws-jwt-verify in onRequest, unique tokens', app: 'aws-jwt-verify', workload: 'unique', group: 'unique' },
  { id: 'jwt-jwks-repeat', row: '6', label: 'fastify-jwt-jwks, repeated token', app: 'fastify-jwt-jwks', workload: 'repeat', group: 'repeat' },
  { id: 'jwt-jwks-unique', row: '6', label: 'fastify-jwt-jwks, unique tokens', app: 'fastify-jwt-jwks', workload: 'unique', group: 'unique' },
  // Row 7: the runner forks `upstream` (the baseline app: the same handler) first and passes its
  // origin as `context.upstream`.
  { id: 'proxy-bare', row: '7', label: 'bare @fastify/http-proxy, no auth (same bearer header)', app: 'bare-proxy', upstream: 'baseline', workload: 'repeat', group: 'proxy', noAuth: true },
  { id: 'proxy-gateway', row: '7', label: 'our gateway (auth, per-client rate limit, identity headers)', app: 'gateway', upstream: 'baseline', workload: 'repeat', group: 'proxy', ours: true }
]

/** Rows the table shows as not measured yet, with the reason. */
export const PENDING: ReadonlyArray<{ readonly row: string, readonly label: string, readonly reason: string }> = []
