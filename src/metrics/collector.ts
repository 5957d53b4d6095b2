/**
 * Prometheus metrics fed by the package's `node:diagnostics_channel` channels: refusals by code,
 * accepted tokens, JWKS downloads by outcome and status with their durations, token-cache hits
 * and misses.
 *
 * Channels are process-wide, so one collector counts every verifier and plugin in the process,
 * and anything else that publishes on those names. That is why every label value is checked here,
 * not trusted: outcomes come from fixed lists, a status must be an HTTP status, and a code must
 * look like one, with at most {@link MAX_CODES} distinct codes before the rest count as `OTHER`.
 * Labels never carry a token, a subject or a URL.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { Counter, Histogram, register as globalRegistry, type Registry } from 'prom-client'
import { OptionError } from '../verifier/errors.js'
import { JWKS_FETCH_CHANNEL, JWKS_FETCH_OUTCOMES, TOKEN_CACHE_CHANNEL, VERIFY_CHANNEL } from '../diagnostics/channels.js'

/** How the metrics are named and where they are registered. */
export interface PrometheusMetricsOptions {
  /** The prom-client registry the metrics join. Default: prom-client's global `register`. */
  registry?: Registry
  /** Put before every metric name. Default `'resource_server_'`. */
  prefix?: string
  /** Upper bounds, in seconds, of the JWKS download histogram's buckets. Default prom-client's (5 ms to 10 s). */
  jwksFetchBuckets?: number[]
}

/** A running collector; `close()` unsubscribes and removes its metrics from the registry. */
export interface PrometheusMetrics {
  /** The registry the metrics are in, for `registry.metrics()` and `registry.contentType`. */
  readonly registry: Registry
  /** Unsubscribes from the channels and unregisters the metrics. Safe to call twice. */
  close: () => void
}

/** The most distinct refusal codes labelled one by one; later ones are counted as `OTHER`. */
export const MAX_CODES = 64

const CODE = /^[A-Z][A-Z0-9_]{0,63}$/
const METRIC_PREFIX = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/
const JWKS_OUTCOMES = new Set<string>(JWKS_FETCH_OUTCOMES)
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

function field (message: unknown, name: string): unknown {
  return typeof message === 'object' && message !== null ? (message as Record<string, unknown>)[name] : undefined
}

function resolveRegistry (value: unknown): Registry {
  if (value === undefined) return globalRegistry
  const r = value as Partial<Registry> | null
  if (typeof r?.metrics !== 'function' || typeof r.getSingleMetric !== 'function' || typeof r.removeSingleMetric !== 'function') {
    throw new OptionError('registry', 'must be a prom-client Registry')
  }
  return value as Registry
}

function resolveBuckets (value: unknown): number[] {
  if (value === undefined) return DEFAULT_BUCKETS
  if (!Array.isArray(value) || value.length === 0 || value.some((b, i) => typeof b !== 'number' || !Number.isFinite(b) || b <= 0 || (i > 0 && b <= (value[i - 1] as number)))) {
    throw new OptionError('jwksFetchBuckets', `must be a non-empty array of increasing positive numbers of seconds (got ${JSON.stringify(value)})`)
  }
  return value as number[]
}

/**
 * Subscribes to the package's channels and keeps Prometheus metrics from them:
 *
 * - `<prefix>auth_decisions_total{outcome="accepted"|"refused", code}`: `code` only on refusals;
 * - `<prefix>jwks_fetches_total{outcome, status}` and `<prefix>jwks_fetch_duration_seconds{outcome}`;
 * - `<prefix>token_cache_lookups_total{outcome="hit"|"miss"}`.
 *
 * @throws {TypeError} `ERR_INVALID_OPTION` for a bad option, or a registry that already holds one of these metrics.
 * @example
 * ```ts
 * import { Registry } from 'prom-client'
 * const metrics = collectPrometheusMetrics({ registry: new Registry() })
 * console.log(await metrics.registry.metrics())
 * metrics.close()
 * ```
 */
export function collectPrometheusMetrics (options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const registry = resolveRegistry(options.registry)
  const prefix = options.prefix ?? 'resource_server_'
  if (typeof prefix !== 'string' || !METRIC_PREFIX.test(prefix)) throw new OptionError('prefix', `must be a Prometheus metric name prefix, [a-zA-Z_:][a-zA-Z0-9_:]* (got ${JSON.stringify(prefix)})`)
  const buckets = resolveBuckets(options.jwksFetchBuckets)
  const names = ['auth_decisions_total', 'jwks_fetches_total', 'jwks_fetch_duration_seconds', 'token_cache_lookups_total'].map((n) => prefix + n)
  const taken = names.find((n) => registry.getSingleMetric(n) !== undefined)
  if (taken !== undefined) throw new OptionError('registry', `already holds the metric "${taken}"; give each collector a registry or a prefix of its own`)
  const [decisionsName, fetchesName, durationName, cacheName] = names as [string, string, string, string]

  const registers = [registry]
  const decisions = new Counter({ name: decisionsName, help: 'Decisions on requests\' bearer tokens, by outcome and refusal code.', labelNames: ['outcome', 'code'] as const, registers })
  const fetches = new Counter({ name: fetchesName, help: 'JWKS downloads, by outcome and HTTP status.', labelNames: ['outcome', 'status'] as const, registers })
  const durations = new Histogram({ name: durationName, help: 'JWKS download time in seconds, retry included, by outcome.', labelNames: ['outcome'] as const, buckets, registers })
  const cache = new Counter({ name: cacheName, help: 'Verified-token cache lookups: hit (answered from the cache) or miss (verified in full).', labelNames: ['outcome'] as const, registers })

  const codes = new Set<string>()
  const codeLabel = (code: unknown): string => {
    if (typeof code !== 'string' || !CODE.test(code)) return 'OTHER'
    if (!codes.has(code)) {
      if (codes.size >= MAX_CODES) return 'OTHER'
      codes.add(code)
    }
    return code
  }

  const onVerify = (message: unknown): void => {
    const outcome = field(message, 'outcome')
    if (outcome === 'accepted') decisions.inc({ outcome })
    else if (outcome === 'refused') decisions.inc({ outcome, code: codeLabel(field(message, 'code')) })
  }
  const onJwksFetch = (message: unknown): void => {
    const raw = field(message, 'outcome')
    const outcome = typeof raw === 'string' && JWKS_OUTCOMES.has(raw) ? raw : 'error'
    const status = field(message, 'status')
    fetches.inc(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599 ? { outcome, status: String(status) } : { outcome })
    const ms = field(message, 'durationMs')
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) durations.observe({ outcome }, ms / 1000)
  }
  const onTokenCache = (message: unknown): void => {
    const outcome = field(message, 'outcome')
    if (outcome === 'hit' || outcome === 'miss') cache.inc({ outcome })
  }

  subscribe(VERIFY_CHANNEL, onVerify)
  subscribe(JWKS_FETCH_CHANNEL, onJwksFetch)
  subscribe(TOKEN_CACHE_CHANNEL, onTokenCache)
  let open = true
  return {
    registry,
    close: () => {
      if (!open) return
      open = false
      unsubscribe(VERIFY_CHANNEL, onVerify)
      unsubscribe(JWKS_FETCH_CHANNEL, onJwksFetch)
      unsubscribe(TOKEN_CACHE_CHANNEL, onTokenCache)
      for (const name of names) registry.removeSingleMetric(name)
    }
  }
}
