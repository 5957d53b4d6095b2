/**
 * Refresh tokens: opaque random strings (256 bits) that the issuer stores only as SHA-256
 * hashes, each bound to the client it was issued to and to a family (every refresh token that
 * descends from one login). A slow hash is not needed: the tokens are random, not guessable
 * passwords, so a leaked file yields nothing to brute-force.
 *
 * With a file, the hashes survive a restart: the whole store is rewritten atomically (a
 * temporary file renamed into place) after every change. Without one, they live in memory.
 * Several instances would have to share this state (see the README).
 */
import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { base64url } from 'jose'
import { readJsonFile, writeJsonFile } from '../config/json-file.js'
import { randomHandle } from './authorization-request.js'

/** One refresh token, as stored. */
export interface RefreshRecord {
  /** SHA-256 of the token, base64url. */
  readonly hash: string
  readonly clientId: string
  readonly sub: string
  readonly scopes: readonly string[]
  /** Every token descended from one login shares it. */
  readonly familyId: string
  /** The `origin_jti` of the login's tokens, kept across refreshes. */
  readonly originJti: string
  /** Seconds since the epoch. */
  readonly authTime: number
  /** Milliseconds since the epoch. */
  readonly expiresAt: number
  /** `rotated`: replaced by a newer token of its family; using it again revokes the family. */
  state: 'active' | 'rotated' | 'revoked'
}

interface StoreDocument {
  version: 1
  tokens: RefreshRecord[]
  /** origin_jti values whose tokens were revoked, with when the last of them expires (ms). */
  revokedOrigins: Array<{ originJti: string, until: number }>
}

/** SHA-256 of a token, base64url: the only form a refresh token is kept in. */
export function hashToken (token: string): string {
  return base64url.encode(createHash('sha256').update(token).digest())
}

/**
 * The refresh tokens of one issuer.
 *
 * @example
 * ```ts
 * const store = await RefreshStore.open('issuer-refresh-tokens.json', Date.now)
 * const token = await store.issue({ clientId, sub, scopes, familyId: undefined, originJti, authTime, validitySeconds: 2_592_000 })
 * ```
 */
export class RefreshStore {
  readonly #tokens = new Map<string, RefreshRecord>()
  readonly #revokedOrigins = new Map<string, number>()
  #writing: Promise<void> = Promise.resolve()

  private constructor (private readonly file: string | undefined, private readonly clock: () => number) {}

  /**
   * Opens the store, reading `file` when it exists (it is created at the first write).
   *
   * @throws {IssuerFileError} when the file exists but cannot be read or parsed.
   */
  static async open (file: string | undefined, clock: () => number): Promise<RefreshStore> {
    const store = new RefreshStore(file, clock)
    if (file !== undefined && await stat(file).then(() => true, () => false)) {
      const document = await readJsonFile(file) as Partial<StoreDocument>
      const now = clock()
      for (const record of Array.isArray(document.tokens) ? document.tokens : []) {
        if (typeof record?.hash === 'string' && record.expiresAt > now) store.#tokens.set(record.hash, { ...record })
      }
      for (const entry of Array.isArray(document.revokedOrigins) ? document.revokedOrigins : []) {
        if (typeof entry?.originJti === 'string' && entry.until > now) store.#revokedOrigins.set(entry.originJti, entry.until)
      }
    }
    return store
  }

  /** Creates and stores a refresh token; returns the token, which is not kept. */
  async issue (grant: Omit<RefreshRecord, 'hash' | 'state' | 'familyId' | 'expiresAt'> & { familyId?: string, validitySeconds: number }): Promise<string> {
    const token = randomHandle()
    const { validitySeconds, ...rest } = grant
    const record: RefreshRecord = { ...rest, familyId: grant.familyId ?? randomHandle(), hash: hashToken(token), expiresAt: this.clock() + validitySeconds * 1000, state: 'active' }
    this.#tokens.set(record.hash, record)
    await this.#save()
    return token
  }

  /** The live record of `token` (any state), or undefined when unknown or expired. */
  find (token: string): RefreshRecord | undefined {
    const record = this.#tokens.get(hashToken(token))
    return record !== undefined && record.expiresAt > this.clock() ? record : undefined
  }

  /** Marks a token replaced by a newer one of its family. */
  async markRotated (record: RefreshRecord): Promise<void> {
    record.state = 'rotated' // synchronously, before the save is awaited
    await this.#save()
  }

  /**
   * Revokes every token of a family, and remembers its `origin_jti` so that the userInfo endpoint
   * refuses the access tokens issued with them until `untilMs`.
   */
  async revokeFamily (familyId: string, originJti: string | undefined, untilMs: number): Promise<void> {
    for (const record of this.#tokens.values()) if (record.familyId === familyId) record.state = 'revoked'
    if (originJti !== undefined) this.revokeOrigin(originJti, untilMs)
    await this.#save()
  }

  /** Remembers that tokens with this `origin_jti` are revoked (in memory until the next save). */
  revokeOrigin (originJti: string, untilMs: number): void {
    this.#revokedOrigins.set(originJti, Math.max(untilMs, this.#revokedOrigins.get(originJti) ?? 0))
  }

  /** Whether tokens with this `origin_jti` were revoked. */
  isOriginRevoked (originJti: string): boolean {
    const until = this.#revokedOrigins.get(originJti)
    return until !== undefined && until > this.clock()
  }

  /** Writes the store (without expired entries), one write at a time, atomically. */
  async #save (): Promise<void> {
    // Expired entries go whether or not there is a file, so an in-memory store does not grow forever.
    const now = this.clock()
    for (const [hash, record] of this.#tokens) if (record.expiresAt <= now) this.#tokens.delete(hash)
    for (const [origin, until] of this.#revokedOrigins) if (until <= now) this.#revokedOrigins.delete(origin)
    const file = this.file
    if (file === undefined) return
    const document: StoreDocument = {
      version: 1,
      tokens: [...this.#tokens.values()],
      revokedOrigins: [...this.#revokedOrigins].map(([originJti, until]) => ({ originJti, until }))
    }
    this.#writing = this.#writing.catch(() => {}).then(async () => { await writeJsonFile(file, document) })
    await this.#writing
  }
}
