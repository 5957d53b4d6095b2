/**
 * Remembers tokens already verified, so a repeated token costs a map lookup instead of a
 * signature check. Keyed by the whole token string: a changed byte is another key, so it can never
 * hit. Bounded in entries (LRU), an entry never outlives the token's `exp`, and the caller
 * rechecks the time window and the signing key's standing on every hit.
 */
import { LRUCache } from 'lru-cache'

/** Remembers verified values by token. */
export class TokenCache<V extends object> {
  readonly #lru: LRUCache<string, V> | undefined

  /** @param maxEntries - 0 turns the cache off. */
  constructor (maxEntries: number) {
    this.#lru = maxEntries > 0 ? new LRUCache<string, V>({ max: maxEntries, ttlAutopurge: false }) : undefined
  }

  get (token: string): V | undefined {
    return this.#lru?.get(token)
  }

  /** Remembers `value` for at most `ttlMs` milliseconds. */
  set (token: string, value: V, ttlMs: number): void {
    if (ttlMs > 0) this.#lru?.set(token, value, { ttl: ttlMs })
  }

  delete (token: string): void {
    this.#lru?.delete(token)
  }

  get size (): number {
    return this.#lru?.size ?? 0
  }
}
