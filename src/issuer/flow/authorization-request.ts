/**
 * What an accepted authorization request asked for, and the in-memory stores that carry it from
 * `GET /oauth2/authorize` to the login page (a pending request) and from a successful login to
 * the token endpoint (an authorization code).
 *
 * Codes are single use and live 5 minutes (RFC 6749 §4.1.2 recommends at most 10). A used code
 * is kept, marked, until it would have expired, so that a second use is recognised as a replay
 * and the tokens issued from it can be revoked (§4.1.2). Every lookup reads the injected clock.
 */
import { randomBytes } from 'node:crypto'
import { base64url } from 'jose'

/** An authorization request that passed every check of the authorization endpoint. */
export interface AuthorizationRequest {
  readonly clientId: string
  readonly redirectUri: string
  readonly scopes: readonly string[]
  readonly state: string | undefined
  readonly nonce: string | undefined
  /** The S256 code challenge, when the client sent one. */
  readonly codeChallenge: string | undefined
}

/** An authorization code's grant: the request and who logged in, when. */
export interface CodeGrant extends AuthorizationRequest {
  readonly sub: string
  readonly username: string
  /** Seconds since the epoch. */
  readonly authTime: number
}

/** What happened to the tokens of a code: filled by the token endpoint, read on a replay. */
export interface CodeOutcome {
  /** The refresh-token family issued from the code, to revoke on a replay. */
  familyId?: string
  /** The `origin_jti` of the tokens issued from the code. */
  originJti?: string
  /** Set by a replay, so a first redemption still issuing when it came revokes what it issued. */
  replayed?: boolean
}

/** A random, URL-safe handle with 256 bits of entropy. */
export function randomHandle (): string {
  return base64url.encode(randomBytes(32))
}

interface Entry<T> { readonly value: T, readonly expiresAt: number, readonly owner: string | undefined }

/**
 * A bounded in-memory map whose entries expire by the injected clock. Expired entries are swept
 * on every write, so memory stays bounded by the rate of writes within one lifetime, and at most
 * `maxEntries` live at once: when full, the oldest goes. An entry may name its owner (a client
 * address), who holds at most `maxPerOwner`: past that, the owner's own oldest entry goes, so one
 * address sending requests it never completes cannot push out everyone else's.
 */
export class ExpiringMap<T> {
  /** In the order they were added: all share one lifetime, so the expired ones come first. */
  readonly #entries = new Map<string, Entry<T>>()
  /** Each owner's handles, oldest first. */
  readonly #owned = new Map<string, Set<string>>()
  constructor (
    private readonly lifetimeMs: number,
    private readonly clock: () => number,
    private readonly maxEntries = 100_000,
    private readonly maxPerOwner = Infinity
  ) {}

  /** Stores `value` under a new random handle and returns the handle. */
  add (value: T, owner?: string): string {
    const now = this.clock()
    for (const [handle, entry] of this.#entries) {
      if (entry.expiresAt > now) break
      this.delete(handle)
    }
    if (this.#entries.size >= this.maxEntries) this.delete(this.#entries.keys().next().value as string)
    const held = owner === undefined ? undefined : this.#owned.get(owner)
    if (held !== undefined && held.size >= this.maxPerOwner) this.delete(held.values().next().value as string)
    const handle = randomHandle()
    this.#entries.set(handle, { value, expiresAt: now + this.lifetimeMs, owner })
    if (owner !== undefined) this.#owned.set(owner, (this.#owned.get(owner) ?? new Set()).add(handle))
    return handle
  }

  /** The live value under `handle`. */
  get (handle: string): T | undefined {
    const entry = this.#entries.get(handle)
    return entry !== undefined && entry.expiresAt > this.clock() ? entry.value : undefined
  }

  delete (handle: string): void {
    const entry = this.#entries.get(handle)
    if (entry === undefined) return
    this.#entries.delete(handle)
    if (entry.owner === undefined) return
    const held = this.#owned.get(entry.owner) as Set<string>
    held.delete(handle)
    if (held.size === 0) this.#owned.delete(entry.owner)
  }
}

/** How long a code lives: 5 minutes. */
export const CODE_LIFETIME_MS = 300_000
/** How long a pending login (authorize → login page → submit) lives: 10 minutes. */
export const PENDING_LOGIN_LIFETIME_MS = 600_000
/** Pending logins one client address (an IPv6 /64) holds at once; past that its oldest goes. */
export const PENDING_LOGINS_PER_ADDRESS = 1000

/** One issued code: its grant, whether it was used, and what it produced. */
export interface IssuedCode {
  readonly grant: CodeGrant
  used: boolean
  readonly outcome: CodeOutcome
}

/**
 * Authorization codes, in memory. Codes do not survive a restart (a user just logs in again).
 *
 * @example
 * ```ts
 * const codes = new CodeStore(Date.now)
 * const code = codes.issue(grant)
 * codes.redeem(code) // { grant, used: false, outcome: {} } — then marked used
 * ```
 */
export class CodeStore {
  readonly #codes: ExpiringMap<IssuedCode>
  constructor (clock: () => number) {
    this.#codes = new ExpiringMap(CODE_LIFETIME_MS, clock)
  }

  issue (grant: CodeGrant): string {
    return this.#codes.add({ grant, used: false, outcome: {} })
  }

  /**
   * The code's record, marking it used. A record that comes back with `replayed: true` was already
   * redeemed (`check` is not run then). `check` runs first on an unused code and may throw to
   * refuse the exchange, which leaves the code unused: a failed exchange (another client, another
   * redirect_uri, a wrong verifier) does not burn the user's login. Undefined for an unknown or
   * expired code.
   */
  redeem (code: string, check?: (grant: CodeGrant) => void): { grant: CodeGrant, replayed: boolean, outcome: CodeOutcome } | undefined {
    const issued = this.#codes.get(code)
    if (issued === undefined) return undefined
    if (!issued.used) {
      check?.(issued.grant)
      issued.used = true
      return { grant: issued.grant, replayed: false, outcome: issued.outcome }
    }
    return { grant: issued.grant, replayed: true, outcome: issued.outcome }
  }
}
