/**
 * Remembers tokens already verified, so a repeated token costs a map lookup instead of a
 * signature check. Bounded in entries and in bytes (LRU), an entry never outlives the token's
 * `exp`, and the caller rechecks the time window and the signing key's standing on every hit.
 *
 * The map is keyed by the last 24 characters of the signature, because hashing the fresh header
 * string is the main cost of a lookup; a hit then compares the whole token, so a changed byte
 * anywhere (a forged payload under a copied signature included) never hits.
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
  /** When a verified token enters: on its `'second-use'` (the default) or its `'first-use'`. */
  readonly admission?: TokenCacheAdmission
}

/** When a verified token enters the cache; see {@link TokenCacheLimits.admission}. */
export type TokenCacheAdmission = 'first-use' | 'second-use'

// The doorkeeper has one slot per token the cache can hold, so a note outlives, on average, about
// that many other first uses: a token used again only after more than that would have left the
// cache before its next use anyway.
const TYPICAL_ENTRY_BYTES = 2048
const MAX_DOORKEEPER_SLOTS = 1 << 20

function doorkeeperSlots (maxEntries: number, maxBytes: number): number {
  const tokens = Math.min(maxEntries, Math.ceil(maxBytes / TYPICAL_ENTRY_BYTES), MAX_DOORKEEPER_SLOTS)
  return 2 ** Math.ceil(Math.log2(Math.max(tokens, 64)))
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

// Every lookup hashes its key afresh (each request brings a new header string), so the key is
// short: the signature's last characters, 144 bits an issuer's signature makes as good as random.
const KEY_CHARS = 24

// The last KEY_CHARS characters, or fewer when a '.' falls among them: only the tail is read
// (lastIndexOf would scan the whole signature back to its dot, ~340 characters for RS256).
function keyOf (token: string): string {
  let start = Math.max(0, token.length - KEY_CHARS)
  for (let dot = token.indexOf('.', start); dot !== -1; dot = token.indexOf('.', start)) start = dot + 1
  return token.slice(start)
}

/**
 * A fingerprint of a verified token, odd so never 0 (an empty slot): FNV-1a over eight characters
 * of its signature, which an issuer's signatures make as good as random; the last character is
 * left out, as it carries only 2 to 4 bits. Only tokens that verified are fingerprinted, so only
 * a trusted issuer could aim at one, and two tokens that share one merely let the second in a use
 * early, or delay the first's by one.
 */
function fingerprint (token: string): number {
  let h = 0x811c9dc5
  for (let i = Math.max(0, token.length - 9); i < token.length - 1; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193)
  return h | 1
}

/** Remembers verified values by token. */
export class TokenCache<V extends object> {
  readonly #lru: LRUCache<string, Entry<V>> | undefined
  /** The doorkeeper: the fingerprints of tokens verified once, one per slot (0: none). */
  readonly #seenOnce: Int32Array | undefined
  readonly #slotMask: number

  constructor ({ maxEntries, maxBytes, admission = 'second-use' }: TokenCacheLimits) {
    this.#lru = maxEntries > 0 && maxBytes > 0
      ? new LRUCache<string, Entry<V>>({ max: maxEntries, maxSize: maxBytes, sizeCalculation: (entry) => entryBytes(entry.token), ttlAutopurge: false })
      : undefined
    const slots = admission === 'second-use' && this.#lru !== undefined ? doorkeeperSlots(maxEntries, maxBytes) : 0
    this.#seenOnce = slots > 0 ? new Int32Array(slots) : undefined
    this.#slotMask = slots - 1
  }

  /** Whether `token` was verified once lately; if not, it is noted now. */
  #admit (token: string): boolean {
    const seen = this.#seenOnce
    if (seen === undefined) return true
    const print = fingerprint(token)
    const slot = print & this.#slotMask
    if (seen[slot] === print) {
      seen[slot] = 0
      return true
    }
    seen[slot] = print
    return false
  }

  get (token: string): V | undefined {
    const entry = this.#lru?.get(keyOf(token))
    return entry !== undefined && entry.token === token ? entry.value : undefined
  }

  /** Remembers `value` for at most `ttlMs` milliseconds. */
  set (token: string, value: V, ttlMs: number): void {
    if (ttlMs > 0 && this.#lru !== undefined && this.#admit(token)) this.#lru.set(keyOf(token), { token, value }, { ttl: ttlMs })
  }

  /** Forgets `token` (and only it: another token under the same key is left alone). */
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
