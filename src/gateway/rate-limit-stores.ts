/**
 * @fastify/rate-limit's own stores, used directly: the in-memory LocalStore (a fixed window per
 * key in an LRU) and the RedisStore (one Lua script: INCR, then PEXPIRE or PTTL). The counting is
 * theirs; the gateway only picks the key and reads the answer.
 *
 * Why not the plugin's `createRateLimit`: every check through it awaits three promises and builds
 * `request.routeOptions`. Going round it took the gateway's CPU per request over a bare proxy
 * from 8.6 to 5.1 µs (README.md, "The gateway counts with @fastify/rate-limit's stores").
 * LocalStore answers synchronously, so a check in memory costs no promise at all. The files are
 * CommonJS without an `exports` map, so these paths are importable. package.json pins the
 * library to its minor version (~11.2.0), since these files are not its documented API: a
 * release that moved them would fail at import, and test/gateway/rate-limit-stores.test.ts and
 * the Redis tests hold the constructors' arguments and the counts to what the gateway expects.
 */
import { createRequire } from 'node:module'

/** What a store hands back: the count in the current window and the window's time left, in ms. */
export interface StoreCount { readonly current: number, readonly ttl: number }

/** @fastify/rate-limit's store contract (its `store` option documents the same `incr`). */
export interface RateLimitStore {
  incr: (key: string, callback: (err: Error | null, result: StoreCount | null) => void, timeWindowMs: number, max: number) => void
}

type LocalStoreClass = new (continueExceeding: boolean, exponentialBackoff: boolean, keysKept: number) => RateLimitStore
type RedisStoreClass = new (continueExceeding: boolean, exponentialBackoff: boolean, redis: unknown, keyPrefix: string) => RateLimitStore

const require = createRequire(import.meta.url)
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as LocalStoreClass
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as RedisStoreClass

/** A store in this process's memory that remembers at most `keysKept` keys (least recently used go first). */
export function memoryStore (keysKept: number): RateLimitStore {
  return new LocalStore(false, false, keysKept)
}

/** A store in Redis shared by every gateway instance, its keys starting with `keyPrefix`. */
export function redisStore (redis: unknown, keyPrefix: string): RateLimitStore {
  return new RedisStore(false, false, redis, keyPrefix)
}
