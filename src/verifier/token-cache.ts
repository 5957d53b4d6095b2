/**
 * Remembers tokens already verified, so a repeated token costs a map lookup instead of a
 * signature check. Bounded in entries and in bytes (LRU), an entry never outlives the token's
 * `exp`, and the caller rechecks the time window and the signing key's standing on every hit.
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

/** The bounds of a {@link TokenCache}. */
export interface TokenCacheLimits {
  /** Most tokens held; 0 turns the cache off. */
  readonly maxEntries: number
  /** Most bytes held, as {@link entryBytes} estimates them; 0 turns the cache off. */
  readonly maxBytes: number
}

// Measured with V8's used heap after full GCs by bench/cache-bytes.ts (see the README, "The
// verified-token cache"): an entry holds the token string, its decoded claims, the verified-token
// object and lru-cache's bookkeeping. From 861- to 6,198-character tokens that came to 1.75 bytes
// per character of token plus about 900 bytes, within 1 % at every size.
const BYTES_PER_TOKEN_CHAR = 1.75
const BYTES_PER_ENTRY = 900

/**
 * What one cached token costs the heap, estimated from its length: the claims grow with the
 * payload, and so does the token.
 *
 * @example
 * ```ts
 * entryBytes(cognitoAccessToken) // 2,300 for an 800-character token
 * ```
 */
export function entryBytes (token: string): number {
  return Math.ceil(BYTES_PER_ENTRY + BYTES_PER_TOKEN_CHAR * token.length)
}

function keyOf (token: string): string {
  return token.slice(token.lastIndexOf('.') + 1)
}

/** Remembers verified values by token. */
export class TokenCache<V extends object> {
  readonly #lru: LRUCache<string, Entry<V>> | undefined

  constructor ({ maxEntries, maxBytes }: TokenCacheLimits) {
    this.#lru = maxEntries > 0 && maxBytes > 0
      ? new LRUCache<string, Entry<V>>({ max: maxEntries, maxSize: maxBytes, sizeCalculation: (entry) => entryBytes(entry.token), ttlAutopurge: false })
      : undefined
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

  /** The bytes held, as {@link entryBytes} estimates them. */
  get bytes (): number {
    return this.#lru?.calculatedSize ?? 0
  }
}
