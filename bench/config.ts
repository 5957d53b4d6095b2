/**
 * What a bench run does and for how long, read once from the environment.
 *
 * - `BENCH_QUICK=1`: a smoke run (1 round of 1 s, smaller pools, cold start and flood), under a minute.
 * - `BENCH_ROUNDS` (default 3), `BENCH_DURATION_S` (default 5), `BENCH_WARMUP_S` (default 1).
 * - `BENCH_CONNECTIONS` (default 50): autocannon connections per throughput run.
 * - `BENCH_ONLY=a,b`: run only the throughput scenarios whose id contains one of these words,
 *   and skip the other phases unless named (`crypto`, `cold`, `flood`,
 *   `diagnostics`, `memory`, `tenants`).
 * - `BENCH_PROFILE=1`: start every server with `--cpu-prof` into bench/results/profiles/.
 * - `BENCH_NO_README=1`: write the JSON but leave bench/README.md alone.
 */
export interface BenchConfig {
  readonly quick: boolean
  readonly rounds: number
  readonly durationS: number
  readonly warmupS: number
  readonly connections: number
  /** Tokens in the unique-token pool; more than the token caches hold, so every request misses. */
  readonly uniquePool: number
  /** Concurrent requests on a cold cache. */
  readonly coldRequests: number
  /** Requests carrying unknown kids in the flood. */
  readonly floodRequests: number
  /** Their rate, requests per second: every server faces the same attack, whatever it answers. */
  readonly floodRate: number
  /** Distinct tokens verified before memory is read. */
  readonly memoryTokens: number
  readonly cryptoSeconds: number
  readonly only: readonly string[]
  readonly profile: boolean
  readonly writeReadme: boolean
}

function num (name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number (got ${JSON.stringify(raw)})`)
  return value
}

export function readConfig (): BenchConfig {
  const quick = process.env.BENCH_QUICK === '1'
  return {
    quick,
    rounds: Math.round(num('BENCH_ROUNDS', quick ? 1 : 3)),
    durationS: num('BENCH_DURATION_S', quick ? 1 : 5),
    warmupS: num('BENCH_WARMUP_S', quick ? 0.3 : 1),
    connections: Math.round(num('BENCH_CONNECTIONS', 50)),
    // 20k tokens cycled in order through an LRU of 10k (our default and the peers' setting) never hit.
    uniquePool: Math.round(num('BENCH_UNIQUE_POOL', quick ? 12_000 : 20_000)),
    coldRequests: Math.round(num('BENCH_COLD_REQUESTS', quick ? 300 : 1000)),
    floodRequests: Math.round(num('BENCH_FLOOD_REQUESTS', quick ? 500 : 10_000)),
    floodRate: Math.round(num('BENCH_FLOOD_RATE', 2000)),
    memoryTokens: Math.round(num('BENCH_MEMORY_TOKENS', quick ? 11_000 : 100_000)),
    cryptoSeconds: num('BENCH_CRYPTO_S', quick ? 0.3 : 1),
    only: (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    profile: process.env.BENCH_PROFILE === '1',
    writeReadme: process.env.BENCH_NO_README !== '1'
  }
}

/** Whether a phase or scenario id is selected by BENCH_ONLY. */
export function selected (config: BenchConfig, id: string): boolean {
  return config.only.length === 0 || config.only.some((word) => id.includes(word))
}
