/**
 * Key rotation without rejecting a single valid token.
 *
 * A rotation adds a `next` key that is published at once but signs only from `activateAt`,
 * `publishLeadSeconds` later. At `activateAt` it becomes the signing key and the old active key
 * turns `retiring`: still published, signing nothing, until `retireAt` = `activateAt` + the
 * longest access-token validity + `retireMarginSeconds`, by which time every token it signed has
 * expired. Then it leaves the JWKS.
 *
 * The roles are a pure function of the key file and the clock, so every instance reading the
 * same file switches at the same moment without talking to the others, and nothing has to run
 * at `activateAt`: the file is tidied (due transitions written down, expired keys dropped) the
 * next time a rotation runs.
 *
 * Why the lead: a verifier caches the JWKS. When a token names a `kid` it has not seen, it
 * refetches, but at most once per cooldown (our verifier's `jwksCooldownMs`, 30 s; jose's
 * `cooldownDuration`, 30 s); verifiers that never refetch on an unknown kid only pick up new keys
 * when their copy ages out (our `jwksMaxAgeMs`, 10 min). And the JWKS response itself may be
 * cached for its `max-age` (300 s) on the way. A key published `publishLeadSeconds` before it
 * signs is therefore in every verifier's copy before the first token it signs arrives, provided
 *
 *     publishLeadSeconds ≥ jwksMaxAgeMs/1000 + JWKS max-age + key-file check interval
 *                        = 600 + 300 + 10 s (with the defaults; 1200 s leaves room for clock skew).
 *
 * For a verifier that refetches on an unknown kid, `jwksCooldownMs/1000 + JWKS max-age` suffices.
 */
import { generateKeyRecord, type KeyAlgorithm, type KeyDocument, type KeyRecord } from './key-file.js'

/** How rotations are timed. All durations in seconds. */
export interface RotationOptions {
  /**
   * How long a new key is published before it signs, in seconds. Default 1200 (20 minutes).
   *
   * > [!WARNING]
   * > Below `jwksMaxAgeMs/1000` + the JWKS max-age (300 s) of the verifiers you serve, a verifier
   * > holding a fresh copy of the old JWKS may reject tokens signed by the new key. 0 switches at
   * > once: for test suites only.
   */
  publishLeadSeconds?: number
  /**
   * Extra time a retired key stays published after the last token it signed has expired, in
   * seconds, to cover clock skew and verifier clock tolerance. Default 300 (5 minutes).
   */
  retireMarginSeconds?: number
  /** The new key's algorithm. Default: that of the current signing key. */
  algorithm?: KeyAlgorithm
}

/** The documented defaults. */
export const ROTATION_DEFAULTS = Object.freeze({
  publishLeadSeconds: 1200,
  retireMarginSeconds: 300
})

/** What a rotation did. Times are ISO 8601. */
export interface RotationResult {
  /** Whether a new key was added; false when a rotation was already waiting for its activateAt. */
  readonly added: boolean
  /** The key that will sign next, and from when. */
  readonly next: { readonly kid: string, readonly alg: KeyAlgorithm, readonly activateAt: string }
  /** The key signing now. */
  readonly active: { readonly kid: string, readonly alg: KeyAlgorithm }
  /** Keys still published but no longer signing, and when each leaves the JWKS. */
  readonly retiring: ReadonlyArray<{ readonly kid: string, readonly retireAt: string }>
  /** Keys dropped from the file because every token they signed has expired. */
  readonly removed: readonly string[]
}

/** Which key signs and which keys are published, at one moment. */
export interface KeyRoles {
  readonly signing: KeyRecord
  /** The signing key first, then the next key, then retiring keys. */
  readonly published: readonly KeyRecord[]
}

const at = (iso: string | undefined): number => Date.parse(iso as string)

function find (keys: readonly KeyRecord[], state: KeyRecord['state']): KeyRecord | undefined {
  return keys.find((k) => k.state === state)
}

/**
 * The roles of the keys at `now`. `retireAfterMs` is how long a key that stopped signing stays
 * published: the longest token validity plus the margin, in milliseconds.
 */
export function keyRoles (keys: readonly KeyRecord[], now: number, retireAfterMs: number): KeyRoles {
  const active = find(keys, 'active') as KeyRecord
  const next = find(keys, 'next')
  const switched = next !== undefined && at(next.activateAt) <= now
  const signing = switched ? next : active
  const published = [signing]
  if (next !== undefined && !switched) published.push(next)
  if (switched && at(next.activateAt) + retireAfterMs > now) published.push(active)
  for (const key of keys) if (key.state === 'retiring' && at(key.retireAt) > now) published.push(key)
  return { signing, published }
}

/** Writes down the transitions that are due at `now` and drops keys past their `retireAt`. */
export function settleKeys (keys: readonly KeyRecord[], now: number, retireAfterMs: number): KeyRecord[] {
  const next = find(keys, 'next')
  let settled = [...keys]
  if (next !== undefined && at(next.activateAt) <= now) {
    const retireAt = new Date(at(next.activateAt) + retireAfterMs).toISOString()
    settled = settled.map((key): KeyRecord => {
      if (key.state === 'active') return { ...key, state: 'retiring', retireAt }
      if (key !== next) return key
      const { activateAt, ...rest } = key
      return { ...rest, state: 'active' }
    })
  }
  return settled.filter((key) => key.state !== 'retiring' || at(key.retireAt) > now)
}

/**
 * Rotates the keys of a key document at `now`: settles it, then adds a `next` key that signs from
 * `now + leadMs`, unless one is already waiting.
 *
 * @example
 * ```ts
 * const { document, result } = await rotateKeyDocument(doc, Date.now(), { leadMs: 1_200_000, retireAfterMs: 3_900_000 })
 * ```
 */
export async function rotateKeyDocument (
  document: KeyDocument,
  now: number,
  timing: { readonly leadMs: number, readonly retireAfterMs: number, readonly algorithm?: KeyAlgorithm }
): Promise<{ document: KeyDocument, result: RotationResult }> {
  const settled = settleKeys(document.keys, now, timing.retireAfterMs)
  const active = find(settled, 'active') as KeyRecord
  let next = find(settled, 'next')
  const added = next === undefined
  if (next === undefined) {
    next = await generateKeyRecord(timing.algorithm ?? active.alg, 'next', now, now + timing.leadMs)
    settled.push(next)
  }
  const result: RotationResult = {
    added,
    next: { kid: next.kid, alg: next.alg, activateAt: next.activateAt as string },
    active: { kid: active.kid, alg: active.alg },
    retiring: settled.filter((k) => k.state === 'retiring').map((k) => ({ kid: k.kid, retireAt: k.retireAt as string })),
    removed: document.keys.filter((k) => !settled.some((s) => s.kid === k.kid)).map((k) => k.kid)
  }
  return { document: { version: 1, keys: settled }, result }
}
