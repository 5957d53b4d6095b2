/**
 * Remembers tokens already verified, so a repeated token costs a map lookup instead of a
 * signature check. Bounded in entries (LRU), an entry never outlives the token's `exp`, and the
 * caller rechecks the time window and the signing key's standing on every hit.
 *
 * The map is keyed by the signature segment, a third of the token, because hashing the fresh
 * header string is the main cost of a lookup; a hit then compares the whole token, so a changed
 * byte anywhere (a forged payload under a copied signature included) never hits.
 */
import { LRUCache } from 'lru-cache'

interface Entry<V> {
  readonly token: string
  readonly value: V
}

function keyOf (token: string): string {
  return token.slice(token.lastIndexOf('.') + 1)
}

/** Remembers verified values by token. */
export class TokenCache<V extends object> {
  readonly #lru: LRUCache<string, Entry<V>> | undefined

  /** @param maxEntries - 0 turns the cache off. */
  constructor (maxEntries: number) {
    this.#lru = maxEntries > 0 ? new LRUCache<string, Entry<V>>({ max: maxEntries, ttlAutopurge: false }) : undefined
  }

  get (token: string): V | undefined {
    const entry = this.#lru?.get(keyOf(token))
    return entry !== undefined && entry.token === token ? entry.value : undefined
  }

  /** Remembers `value` for at most `ttlMs` milliseconds. */
  set (token: string, value: V, ttlMs: number): void {
    if (ttlMs > 0) this.#lru?.set(keyOf(token), { token, value }, { ttl: ttlMs })
  }

  /** Forgets `token` (and only it: another token under the same signature is left alone). */
  delete (token: string): void {
    const key = keyOf(token)
    if (this.#lru?.get(key)?.token === token) this.#lru.delete(key)
  }

  get size (): number {
    return this.#lru?.size ?? 0
  }
}
