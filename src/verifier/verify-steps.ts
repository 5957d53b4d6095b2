/**
 * The verifier's checks in their one order, shared by `TokenVerifier.verify` and the `explain`
 * command, so that what explain reports is what verify does: size and shape, header, issuer
 * (before any network, so a foreign issuer never causes a fetch), the profile's `typ`, the key
 * from that issuer's own JWKS, the signature, then the claims.
 *
 * An observer hears each check that passed, in order; the check that throws is the one after the
 * last it heard. Without an observer each report is one `undefined` test, nothing is allocated.
 */
import { algorithmFitsKey } from './algorithms.js'
import { checkIdentityClaims, checkTimeClaims, type TokenIdentity, type TokenTimes } from './claims.js'
import { decodeCompactJws, type DecodedJws } from './compact-jws.js'
import { AlgorithmKeyMismatchError, SignatureInvalidError } from './errors.js'
import { checkHeader, checkProfileTyp, type CheckedHeader } from './header.js'
import type { KeyEntry } from './jwks-cache.js'
import type { ResolvedIssuer, ResolvedOptions } from './options.js'
import { SignatureKey } from './signature.js'
import { createVerifiedToken, type VerifiedToken } from './verified-token.js'

/** The checks, in the order they run. */
export const VERIFY_STEPS = ['decode', 'header', 'issuer', 'typ', 'key', 'signature', 'time', 'claims'] as const

/** One of {@link VERIFY_STEPS}. */
export type VerifyStep = typeof VERIFY_STEPS[number]

/** What each check found, handed to the observer when it passed. */
export interface VerifyStepDetails {
  readonly decode: DecodedJws
  readonly header: CheckedHeader
  readonly issuer: ResolvedIssuer
  readonly typ: undefined
  /** The published keys with the token's `kid` that fit its `alg`. */
  readonly key: readonly KeyEntry[]
  /** The key the signature verified with. */
  readonly signature: KeyEntry
  readonly time: TokenTimes
  readonly claims: TokenIdentity
}

/** Hears each check that passed, in order. */
export interface VerifyObserver {
  passed: <S extends VerifyStep>(step: S, detail: VerifyStepDetails[S]) => void
}

/** Where keys come from: a JWKS cache, or keys read from a file. */
export interface KeySource {
  getKeys: (kid: string) => Promise<readonly KeyEntry[]>
}

/** A trusted issuer and where its keys come from. */
export interface IssuerKeys<K extends KeySource = KeySource> {
  readonly issuer: ResolvedIssuer
  readonly keySet: K
}

/** Finds the trusted issuer named by `iss`, or throws `IssuerMismatchError`. */
export interface IssuerLookup<K extends KeySource> {
  lookup: (iss: unknown) => IssuerKeys<K>
}

/** A token that passed every check, with what the verified-token cache keeps about it. */
export interface CheckedToken<T extends IssuerKeys> {
  readonly token: VerifiedToken
  readonly times: TokenTimes
  /** The issuer as the lookup found it, with its key set: a cache hit asks about both again. */
  readonly trusted: T
  readonly key: KeyEntry
  /** When the time claims were checked, in milliseconds since the epoch. */
  readonly checkedAt: number
}

/**
 * Runs every check on `token`, in order.
 *
 * @throws {ResourceServerError} the first check that fails; see the README's error table.
 * @example
 * ```ts
 * const checked = await runChecks(token, options, new IssuerRegistry(options), { passed: (step) => console.log(step) })
 * ```
 */
export async function runChecks<T extends IssuerKeys> (token: string, o: ResolvedOptions, issuers: { lookup: (iss: unknown) => T }, observer?: VerifyObserver): Promise<CheckedToken<T>> {
  // Decoded once: the signature check below reads these parts, nothing parses the token again.
  const jws = decodeCompactJws(token, o.maxTokenBytes)
  observer?.passed('decode', jws)
  const { header, payload, signingInput, signature } = jws
  const checkedHeader = checkHeader(header, o.algorithms)
  observer?.passed('header', checkedHeader)
  const { alg, kid } = checkedHeader
  const trusted = issuers.lookup(payload.iss)
  const { issuer, keySet } = trusted
  observer?.passed('issuer', issuer)
  checkProfileTyp(header, issuer.profile)
  observer?.passed('typ', undefined)
  const candidates = (await keySet.getKeys(kid)).filter((entry) => algorithmFitsKey(alg, entry.jwk))
  if (candidates.length === 0) {
    throw new AlgorithmKeyMismatchError(`The token's algorithm ${alg} does not fit the key it names.`)
  }
  observer?.passed('key', candidates)
  const key = await verifySignature(alg, signingInput, signature, candidates, o.verifyOnThreadpool)
  observer?.passed('signature', key)

  const now = o.clock()
  const times = checkTimeClaims(payload, now / 1000, o.clockToleranceSeconds, o.maxTokenLifetimeSeconds)
  observer?.passed('time', times)
  const identity = checkIdentityClaims(payload, issuer)
  observer?.passed('claims', identity)
  return { token: createVerifiedToken(identity, checkedHeader, issuer.issuer, payload), times, trusted, key, checkedAt: now }
}

async function verifySignature (alg: VerifiedToken['alg'], signingInput: string, signature: Uint8Array, candidates: readonly KeyEntry[], onThreadpool: boolean): Promise<KeyEntry> {
  for (const entry of candidates) {
    // A published key OpenSSL refuses (null) is a bad signature, not a crash: try the next key.
    const key = SignatureKey.of(entry.jwk)
    if (key === null) continue
    const ok = onThreadpool ? key.verifyShared(alg, signingInput, signature) : key.verifySync(alg, signingInput, signature)
    if (ok === true || (ok !== false && await ok)) return entry
  }
  throw new SignatureInvalidError()
}
