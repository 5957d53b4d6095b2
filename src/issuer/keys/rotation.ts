/**
 * Key rotation without rejecting a single valid token.
 *
 * Every signing algorithm in use (clients choose RS256, PS256 or ES256) has its own lineage of
 * keys in the one key file, and each lineage rotates on its own, as described here.
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
  /** The algorithm whose keys rotate. Default: the first algorithm of the key file (the issuer's default). */
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
  /** The signing key of the first algorithm in the file (the issuer's default). */
  readonly signing: KeyRecord
  /** The signing key of every algorithm that has keys. */
  readonly signingByAlgorithm: ReadonlyMap<KeyAlgorithm, KeyRecord>
  /** Per algorithm: the signing key first, then the next key, then retiring keys. */
  readonly published: readonly KeyRecord[]
}

const at = (iso: string | undefined): number => Date.parse(iso as string)

function find (keys: readonly KeyRecord[], state: KeyRecord['state']): KeyRecord | undefined {
  return keys.find((k) => k.state === state)
}

/** The algorithms that have an active key, in the order of the file; the first is the issuer's default. */
export function keyAlgorithms (keys: readonly KeyRecord[]): KeyAlgorithm[] {
  return [...new Set(keys.filter((k) => k.state === 'active').map((k) => k.alg))]
}

/** The roles within the keys of one algorithm (its lineage). */
function lineageRoles (keys: readonly KeyRecord[], now: number, retireAfterMs: number): { signing: KeyRecord, published: KeyRecord[] } {
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

/**
 * The roles of the keys at `now`. Each algorithm has its own lineage of keys, rotated on its own.
 * `retireAfterMs` is how long a key that stopped signing stays published: the longest token
 * validity plus the margin, in milliseconds.
 */
export function keyRoles (keys: readonly KeyRecord[], now: number, retireAfterMs: number): KeyRoles {
  const lineages = keyAlgorithms(keys).map((alg) => [alg, lineageRoles(keys.filter((k) => k.alg === alg), now, retireAfterMs)] as const)
  return {
    signing: (lineages[0] as (typeof lineages)[number])[1].signing,
    signingByAlgorithm: new Map(lineages.map(([alg, roles]) => [alg, roles.signing])),
    published: lineages.flatMap(([, roles]) => roles.published)
  }
}

function settleLineage (keys: readonly KeyRecord[], now: number, retireAfterMs: number): KeyRecord[] {
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

/** Writes down the transitions that are due at `now` and drops keys past their `retireAt`, per algorithm. */
export function settleKeys (keys: readonly KeyRecord[], now: number, retireAfterMs: number): KeyRecord[] {
  const settled = new Map<string, KeyRecord>()
  for (const alg of new Set(keys.map((k) => k.alg))) {
    for (const key of settleLineage(keys.filter((k) => k.alg === alg), now, retireAfterMs)) settled.set(key.kid, key)
  }
  return keys.filter((k) => settled.has(k.kid)).map((k) => settled.get(k.kid) as KeyRecord)
}

/**
 * Rotates the keys of one algorithm at `now` (default: the first algorithm of the file): settles
 * the document, then adds a `next` key of that algorithm that signs from `now + leadMs`, unless
 * one is already waiting. An algorithm without keys yet gets its first key as `active` at once:
 * nothing was signed with it, so no verifier can hold a copy of the key set that lacks it for
 * tokens it will see.
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
  const alg = timing.algorithm ?? keyAlgorithms(settled)[0] as KeyAlgorithm
  let active = settled.find((k) => k.state === 'active' && k.alg === alg)
  let next = settled.find((k) => k.state === 'next' && k.alg === alg)
  const added = next === undefined
  if (active === undefined) {
    active = await generateKeyRecord(alg, 'active', now)
    settled.push(active)
    next = { ...active, activateAt: new Date(now).toISOString() }
  } else if (next === undefined) {
    next = await generateKeyRecord(alg, 'next', now, now + timing.leadMs)
    // Beside its own algorithm's keys, so the file's first algorithm (the default) stays first.
    let last = 0
    settled.forEach((k, i) => { if (k.alg === alg) last = i })
    settled.splice(last + 1, 0, next)
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
