/**
 * The Redis connection the rate limits share. ioredis is loaded only when a Redis URL is
 * configured, so a gateway that counts in memory never needs it installed.
 *
 * Commands fail fast instead of queueing while Redis is away (no offline queue, one attempt, a
 * command timeout): a request must never wait on a store that is down, the fail-open/closed
 * policy decides instead. ioredis keeps reconnecting in the background.
 */
import type { Redis } from 'ioredis'

/** The Redis client, connected or still trying. */
export type RedisClient = Redis

/**
 * Connects to `url`. Resolves once connected, or once the first attempt failed (reported through
 * `onError`): a gateway starts, and serves under its policy, while Redis is down.
 */
export async function connectRedis (url: string, timeoutMs: number, onError: (err: Error) => void): Promise<RedisClient> {
  const { Redis } = await import('ioredis')
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    // Reconnect soon, but never hammer a Redis that is down: 100 ms, 200 ms, … up to 2 s.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000)
  })
  client.on('error', onError)
  try {
    await client.connect()
  } catch (err) {
    onError(err as Error)
  }
  return client
}
