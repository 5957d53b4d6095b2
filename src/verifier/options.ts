/**
 * The verifier's options: their types, units, defaults, and the one place they are checked.
 * A wrong option throws a TypeError naming it, at construction, never at request time.
 */
import { isSupportedAlgorithm, SUPPORTED_ALGORITHMS, type Algorithm } from './algorithms.js'
import { cognitoIssuers, isUserPoolId } from './cognito.js'
import { OptionError } from './errors.js'
import { describe, hasUserinfo } from './option-value.js'
import { COGNITO_PROFILE, resolveProfile, type MappedProfile, type ProfileName, type ResolvedProfile } from './profiles.js'
import type { TokenCacheAdmission } from './token-cache.js'

export type { TokenCacheAdmission }

/** Which kind of Cognito token a route takes: `token_use` is `access` or `id`. */
export type TokenUse = 'access' | 'id'

/**
 * One trusted issuer and what its tokens must carry. Members left out (or `undefined`) take the
 * top-level value.
 */
export interface IssuerOptions {
  /** The exact `iss` value, for example `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123`. */
  issuer: string
  /**
   * Where this issuer's keys are. Default: `<issuer>/.well-known/jwks.json` under the cognito
   * profile; under every other, the `jwks_uri` of the issuer's discovery document. Must be
   * https, except on loopback.
   */
  jwksUri?: string
  /** The shape of this issuer's access tokens: `'cognito'` (default), `'rfc9068'`, a preset, or a {@link MappedProfile}. */
  profile?: ProfileName | MappedProfile
  /** Allowed app client ids (`client_id` on access tokens, `aud` on ID tokens); `null` to accept any client. */
  clientId?: string | readonly string[] | null
  /** The required `token_use` (cognito profile only); `null` to accept both access and ID tokens. */
  tokenUse?: TokenUse | null
  /** Audiences: when set, `aud` must contain one of them. Required by every profile but cognito. */
  audience?: string | readonly string[] | null
}

/**
 * Everything the verifier can be told. Only an issuer (or `userPoolId`) is required, with
 * `clientId` under the cognito profile and `audience` under every other. An option passed as
 * `undefined` is the same as one left out.
 */
export interface VerifierOptions {
  /** The trusted issuer: a URL string or an {@link IssuerOptions}. For several, use `issuers`. */
  issuer?: string | IssuerOptions
  /** Several trusted issuers: URL strings, {@link IssuerOptions}, or both. */
  issuers?: ReadonlyArray<string | IssuerOptions>
  /**
   * The shape of access tokens, for every issuer that does not set its own: `'cognito'` (the
   * default), `'rfc9068'`, a preset (`'auth0'`, `'okta'`, `'keycloak'`, `'entra'`) or a
   * {@link MappedProfile}. See the README's "Other issuers".
   */
  profile?: ProfileName | MappedProfile
  /** Cognito shorthand: trust both issuer URLs of these user pool(s). */
  userPoolId?: string | readonly string[]
  /**
   * Where the keys are, when there is exactly one configured issuer. Default:
   * `<issuer>/.well-known/jwks.json` under the cognito profile, discovery under every other. Never
   * applied to issuers `trustIssuer` admits: beside `trustIssuer` alone it is refused.
   */
  jwksUri?: string
  /**
   * Allowed app client ids, for every issuer that does not set its own. Required under the
   * cognito profile: pass `null` explicitly to accept tokens from any client of the issuer. Under
   * the other profiles, which check `audience`, it defaults to any client.
   */
  clientId?: string | readonly string[] | null
  /**
   * The required `token_use` (cognito profile). Default `'access'`. `null` accepts both access and
   * ID tokens. Refused when no issuer it could apply to is under the cognito profile.
   */
  tokenUse?: TokenUse | null
  /**
   * Audiences: when set, `aud` must contain one of them. Required by every profile but cognito,
   * where it defaults to not checked.
   */
  audience?: string | readonly string[] | null
  /** Accepted `alg` values. Default `['RS256']`, which is what Cognito signs with. */
  algorithms?: readonly Algorithm[]
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 5. At most 300. */
  clockToleranceSeconds?: number
  /** Longest accepted token life (`exp - iat`), in seconds. Default 86400 (24 hours, Cognito's maximum). */
  maxTokenLifetimeSeconds?: number
  /** Longest accepted token, in bytes, checked before anything is decoded. Default 8192 (8 KiB). */
  maxTokenBytes?: number
  /** How long a JWKS fetch may take, retry included, in milliseconds. Default 5000 (5 seconds); at least 100, at most 60000. */
  jwksTimeoutMs?: number
  /**
   * Least time after a successful JWKS fetch before an unknown `kid` may cause another, in
   * milliseconds. Default 30000 (30 seconds); at least 1000, at most 3600000 (1 hour).
   */
  jwksCooldownMs?: number
  /**
   * Age after which keys are fetched again, so removed keys stop being trusted, in ms. A refresh
   * starts in the background in its last tenth. Default 600000 (10 minutes); at least 10000 (10 s).
   */
  jwksMaxAgeMs?: number
  /**
   * How long past `jwksMaxAgeMs` the last good keys are still used while a refresh runs or the
   * JWKS endpoint fails, in ms. Default 900000 (15 minutes); 0 makes requests wait for the refresh.
   */
  jwksStaleIfErrorMs?: number
  /** Largest accepted JWKS response, in bytes. Default 524288 (512 KiB). */
  jwksMaxBytes?: number
  /**
   * Largest RSA modulus kept from a JWKS, in bits; larger keys are ignored, like keys under 2048
   * bits. Default 4096; at least 2048, at most 16384. Verification cost grows with the modulus.
   */
  maxRsaKeyBits?: number
  /** How many verified tokens are remembered. Default 10000; 0 turns the cache off. */
  tokenCacheMaxEntries?: number
  /** Most heap the verified-token cache may hold, in bytes (estimated per token). Default 4194304 (4 MiB); 0 turns the cache off. */
  tokenCacheMaxBytes?: number
  /**
   * When a verified token enters the cache: `'second-use'` (the default) caches it the second
   * time it verifies, if that comes within (on average) about the cache's capacity of other
   * tokens, so a flow of tokens each used once never churns the cache (or the heap);
   * `'first-use'` caches every verified token.
   */
  tokenCacheAdmission?: TokenCacheAdmission
  /**
   * Check signatures on libuv's threadpool (crypto.verify's callback form), so other cores share
   * the work, up to 64 queued per pool thread (256 at libuv's default of 4), any more on the event
   * loop; the first check of a turn of the event loop while the pool is idle runs on the event
   * loop too (one token at a time pays no thread handoff), and so does the event loop's even
   * share of the rest of the turn (`1 / (1 + min(pool size, cores - 1))`, rounded up: half on 2
   * cores, all on one), after the others are sent. Default true. `false` checks each on the event
   * loop as its request is read.
   */
  verifyOnThreadpool?: boolean
  /**
   * Trust decided at run time: called with the `iss` of a token no configured issuer matches, it
   * returns that issuer's configuration (a URL string or an {@link IssuerOptions} whose `issuer`
   * is `iss` exactly), or `undefined` to refuse it. Members left out take the top-level values.
   * Synchronous, and called before any network: an untrusted `iss` causes no fetch. It is asked
   * again for every token of an issuer it admitted, cached tokens included, so keep it cheap (a
   * Set or Map lookup): once it stops answering, or answers with another configuration, that
   * takes effect with the next token. The key sets of issuers trusted this way live in an LRU
   * of `issuerCacheMaxEntries`. For Cognito pools, see {@link cognitoUserPools}.
   *
   * @example
   * ```ts
   * trustIssuer: (iss) => tenants.has(iss) ? { issuer: iss, profile: 'rfc9068' } : undefined
   * ```
   */
  trustIssuer?: (iss: string) => TrustAnswer | undefined | null
  /**
   * How many issuers trusted by `trustIssuer` keep their keys cached (LRU). Default 1000; at least
   * 1. Set it above every issuer `trustIssuer` can admit (two per pool with `cognitoUserPools`):
   * an issuer enters when a token names it, before any signature check, so above that bound
   * forged tokens naming allowed issuers in turn evict genuine ones and cost a download each.
   */
  issuerCacheMaxEntries?: number
  /**
   * Host names (no scheme, no port) whose issuer, JWKS and discovery URLs may use plain http,
   * such as `['cognito-local']` for cognito-local in docker-compose. Keys fetched over plain
   * http can be swapped by anyone on the network path, so every token could be forged: use it
   * on a private network for local runs only. A warning is logged at start-up. Default: none;
   * loopback hosts (127.0.0.1, localhost, [::1]) need no entry.
   *
   * @deprecated Not deprecated: marked so that editors strike it through and it stands out
   * wherever it is set.
   */
  allowInsecureHttpHosts?: readonly string[]
  /** The current time in milliseconds since the epoch. Default `Date.now`. For tests. */
  clock?: () => number
}

/** What `trustIssuer` answers for an issuer it trusts: its URL, or an {@link IssuerOptions}. */
export type TrustAnswer = string | IssuerOptions

/**
 * `trustIssuer` in its two steps, so that an answer can be compared with the last one before it
 * is checked and resolved again.
 */
export interface DynamicTrust {
  /** The application's own answer for `iss`, as it gave it; `undefined` or `null` when not trusted. */
  readonly ask: (iss: string) => TrustAnswer | undefined | null
  /**
   * Checks an answer for `iss` and fills in the top-level defaults.
   *
   * @throws {OptionError} when the answer is not a valid configuration for exactly that `iss`.
   */
  readonly resolve: (iss: string, answer: TrustAnswer) => ResolvedIssuer
}

/** An issuer after defaults are applied. */
export interface ResolvedIssuer {
  readonly issuer: string
  /** Where the keys are; `null` when they are found by discovery (see discovery.ts). */
  readonly jwksUri: string | null
  readonly profile: ResolvedProfile
  readonly clientIds: ReadonlySet<string> | null
  readonly tokenUse: TokenUse | null
  readonly audiences: ReadonlySet<string> | null
}

/** All options after defaults are applied. */
export interface ResolvedOptions {
  readonly issuers: ReadonlyMap<string, ResolvedIssuer>
  readonly algorithms: ReadonlySet<Algorithm>
  readonly clockToleranceSeconds: number
  readonly maxTokenLifetimeSeconds: number
  readonly maxTokenBytes: number
  readonly jwksTimeoutMs: number
  readonly jwksCooldownMs: number
  readonly jwksMaxAgeMs: number
  readonly jwksStaleIfErrorMs: number
  readonly jwksMaxBytes: number
  readonly maxRsaKeyBits: number
  readonly tokenCacheMaxEntries: number
  readonly tokenCacheMaxBytes: number
  readonly tokenCacheAdmission: TokenCacheAdmission
  readonly verifyOnThreadpool: boolean
  readonly insecureHttpHosts: ReadonlySet<string>
  /**
   * `trustIssuer`, its answer checked and resolved with the top-level defaults: the issuer, or
   * `undefined` when not trusted. Throws an {@link OptionError} when the answer is not a valid
   * configuration for exactly that `iss`.
   */
  readonly trustIssuer: ((iss: string) => ResolvedIssuer | undefined) | undefined
  /** `trustIssuer` in its two steps: asking, then checking the answer (see {@link DynamicTrust}). */
  readonly dynamicTrust: DynamicTrust | undefined
  readonly issuerCacheMaxEntries: number
  /** What the options allow that weakens verification, one sentence each, for the start-up log. */
  readonly warnings: readonly string[]
  readonly clock: () => number
}

/** The documented defaults, in one place. */
export const DEFAULTS = Object.freeze({
  tokenUse: 'access' as TokenUse,
  algorithms: ['RS256'] as readonly Algorithm[],
  clockToleranceSeconds: 5,
  maxTokenLifetimeSeconds: 86_400,
  maxTokenBytes: 8192,
  jwksTimeoutMs: 5000,
  jwksCooldownMs: 30_000,
  jwksMaxAgeMs: 600_000,
  jwksStaleIfErrorMs: 900_000,
  jwksMaxBytes: 524_288,
  maxRsaKeyBits: 4096,
  tokenCacheMaxEntries: 10_000,
  tokenCacheMaxBytes: 4_194_304,
  tokenCacheAdmission: 'second-use' as TokenCacheAdmission,
  issuerCacheMaxEntries: 1000,
  verifyOnThreadpool: true
})

const VERIFIER_KEYS = new Set([
  'issuer', 'issuers', 'profile', 'userPoolId', 'jwksUri', 'clientId', 'tokenUse', 'audience', 'algorithms',
  'clockToleranceSeconds', 'maxTokenLifetimeSeconds', 'maxTokenBytes', 'jwksTimeoutMs',
  'jwksCooldownMs', 'jwksMaxAgeMs', 'jwksStaleIfErrorMs', 'jwksMaxBytes', 'maxRsaKeyBits', 'tokenCacheMaxEntries', 'clock',
  'tokenCacheMaxBytes', 'tokenCacheAdmission', 'verifyOnThreadpool', 'allowInsecureHttpHosts', 'trustIssuer', 'issuerCacheMaxEntries'
])
const ISSUER_KEYS = new Set(['issuer', 'jwksUri', 'profile', 'clientId', 'tokenUse', 'audience'])

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])
const NO_HOSTS: ReadonlySet<string> = new Set()
// A host name as URL parsing leaves it: lower case, no port, no scheme, no path.
const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

/**
 * Whether a URL may be fetched for keys: https, or plain http on a loopback host, or on a host
 * named in `insecureHttpHosts` (the `allowInsecureHttpHosts` option).
 */
export function isTrustedKeyUrl (url: URL, insecureHttpHosts: ReadonlySet<string> = NO_HOSTS): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || insecureHttpHosts.has(url.hostname)))
}

function integer (name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionError(name, `must be an integer from ${min} to ${max} (got ${describe(value)})`)
  }
  return value
}

function flag (name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new OptionError(name, `must be true or false (got ${describe(value)})`)
  return value
}

const ADMISSIONS: ReadonlySet<unknown> = new Set<TokenCacheAdmission>(['second-use', 'first-use'])

function admission (value: unknown): TokenCacheAdmission {
  if (value === undefined) return DEFAULTS.tokenCacheAdmission
  if (!ADMISSIONS.has(value)) throw new OptionError('tokenCacheAdmission', `must be "second-use" or "first-use" (got ${describe(value)})`)
  return value as TokenCacheAdmission
}

/** Which whitespace a list of identifiers refuses: none inside at all, or none around. */
type Spaces = 'anywhere' | 'around'

function stringSet (name: string, value: unknown, spaces: Spaces): ReadonlySet<string> | null {
  if (value === null) return null
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new OptionError(name, `must be a non-empty string, a non-empty array of them, or null (got ${describe(value)})`)
  }
  for (const item of list as string[]) {
    // A pasted id with a stray space or newline matches no token, and nothing would say why.
    if (spaces === 'anywhere' ? /\s/.test(item) : item !== item.trim()) {
      throw new OptionError(name, `must not contain whitespace (got ${quote(item)}); did you mean ${quote(item.trim())}?`)
    }
  }
  return new Set(list as string[])
}

/** A configured URL or id, quoted in full up to a generous length: the user must recognise it. */
function quote (value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value)
}

function tokenUse (name: string, value: unknown): TokenUse | null {
  if (value === 'access' || value === 'id' || value === null) return value
  throw new OptionError(name, `must be 'access', 'id' or null (got ${describe(value)})`)
}

function keyUrl (name: string, value: unknown, insecureHttpHosts: ReadonlySet<string>): string {
  // Before any check that quotes the value, so that credentials in it are never echoed.
  if (hasUserinfo(value)) throw new OptionError(name, 'must not carry credentials or a fragment')
  // URL parsing drops leading and trailing spaces in silence; a URL pasted with one is refused.
  if (typeof value === 'string' && /\s/.test(value)) {
    throw new OptionError(name, `must not contain whitespace (got ${quote(value)}); did you mean ${quote(value.trim())}?`)
  }
  let url: URL
  try {
    url = new URL(value as string)
  } catch {
    throw new OptionError(name, `must be an absolute URL (got ${describe(value)})`)
  }
  // Before any check that quotes the value, so that credentials in it are never echoed.
  if (url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new OptionError(name, 'must not carry credentials or a fragment')
  }
  if (typeof value !== 'string' || !isTrustedKeyUrl(url, insecureHttpHosts)) {
    throw new OptionError(name, `must be an https URL; plain http is allowed only on loopback, or on a host listed in allowInsecureHttpHosts (got ${describe(value)})`)
  }
  return url.href
}

/**
 * An issuer is the exact `iss` value and the base of the default JWKS URL, so it must be a
 * plain URL written the way its tokens write it: no query, no fragment, no `/.well-known/` path,
 * and equal to its own serialisation (a trailing slash after a bare origin aside).
 */
function issuerUrl (name: string, value: unknown, insecureHttpHosts: ReadonlySet<string>): URL {
  if (typeof value !== 'string' || value.length === 0) {
    throw new OptionError(name, `must be a non-empty string (got ${describe(value)})`)
  }
  keyUrl(name, value, insecureHttpHosts)
  const url = new URL(value)
  const plain = `${url.origin}${url.pathname}`
  if (value.includes('?')) throw new OptionError(name, `must not carry a query string (got ${quote(value)}); an issuer is a plain URL such as ${quote(plain)}`)
  if (value.includes('#')) throw new OptionError(name, `must not carry a fragment (got ${quote(value)}); an issuer is a plain URL such as ${quote(plain)}`)
  const wellKnown = url.pathname.search(/\/\.well-known\/|\/jwks\.json$/)
  if (wellKnown !== -1) {
    const issuer = quote(`${url.origin}${url.pathname.slice(0, wellKnown)}`)
    throw new OptionError(name, /jwks/i.test(url.pathname)
      ? `looks like a JWKS URL (got ${quote(value)}); pass the issuer ${issuer} or set jwksUri`
      : `looks like a metadata document URL (got ${quote(value)}); pass the issuer ${issuer}`)
  }
  if (url.href !== value && url.href !== `${value}/`) {
    throw new OptionError(name, `is not written the way a URL is serialised (got ${quote(value)}); tokens name their issuer exactly, so write ${quote(url.href)}`)
  }
  return url
}

function hostList (name: string, value: unknown): ReadonlySet<string> {
  if (value === undefined) return NO_HOSTS
  if (!Array.isArray(value) || value.length === 0 || !value.every((h) => typeof h === 'string' && HOST_NAME.test(h))) {
    throw new OptionError(name, `must be a non-empty array of lower-case host names without scheme or port, such as ["cognito-local"] (got ${describe(value)})`)
  }
  return new Set(value as string[])
}

/** `<issuer>/.well-known/jwks.json`, built on the parsed URL rather than by joining strings. */
function defaultJwksUri (issuer: URL): URL {
  const jwks = new URL(issuer.href)
  jwks.pathname = `${issuer.pathname.replace(/\/+$/, '')}/.well-known/jwks.json`
  return jwks
}

/** Refuses unknown names; a name whose value is `undefined` counts as left out, known or not. */
function rejectUnknownKeys (name: string, value: object, known: ReadonlySet<string>): void {
  for (const [key, member] of Object.entries(value)) {
    if (!known.has(key) && member !== undefined) throw new OptionError(name === '' ? key : `${name}.${key}`, 'is not a known option')
  }
}

interface IssuerDefaults {
  clientId: unknown
  tokenUse: unknown
  audience: unknown
  profile: unknown
  insecureHttpHosts: ReadonlySet<string>
}

function resolveIssuer (name: string, entry: string | IssuerOptions, defaults: IssuerDefaults, jwksUri: unknown): ResolvedIssuer {
  const opts: IssuerOptions = typeof entry === 'string' ? { issuer: entry } : entry
  if (typeof opts !== 'object' || opts === null) {
    throw new OptionError(name, `must be an issuer URL or an object with an "issuer" member (got ${describe(entry)})`)
  }
  rejectUnknownKeys(name, opts, ISSUER_KEYS)
  const issuerName = typeof entry === 'string' ? name : `${name}.issuer`
  const issuerParsed = issuerUrl(issuerName, opts.issuer, defaults.insecureHttpHosts)
  const issuer = opts.issuer
  const profile = opts.profile === undefined
    ? (defaults.profile === undefined ? COGNITO_PROFILE : resolveProfile('profile', defaults.profile))
    : resolveProfile(`${name}.profile`, opts.profile)
  const cognito = profile === COGNITO_PROFILE
  const ownJwks = opts.jwksUri ?? jwksUri
  // Cognito (and what imitates it) publishes at a known URL; any other issuer says where in its
  // metadata, and guessing a path there would only fail later.
  const jwks = ownJwks === undefined
    ? (cognito ? defaultJwksUri(issuerParsed).href : null)
    : keyUrl(opts.jwksUri === undefined ? 'jwksUri' : `${name}.jwksUri`, ownJwks, defaults.insecureHttpHosts)
  const hasOwnClientId = opts.clientId !== undefined
  if (cognito && !hasOwnClientId && defaults.clientId === undefined) {
    throw new OptionError('clientId', 'is required: list the app client ids whose tokens are accepted, or pass null to accept any client of the issuer')
  }
  if (!cognito && opts.tokenUse !== undefined) {
    throw new OptionError(`${name}.tokenUse`, `applies to the cognito profile only; the ${profile.name} profile accepts access tokens only`)
  }
  const audiences = opts.audience !== undefined ? stringSet(`${name}.audience`, opts.audience, 'around') : (defaults.audience === undefined ? null : stringSet('audience', defaults.audience, 'around'))
  if (!cognito && audiences === null) {
    throw new OptionError(opts.audience === undefined ? 'audience' : `${name}.audience`, `is required with the ${profile.name} profile: it is what tells an access token for this API from an ID token, whose "aud" is a client id`)
  }
  const clientIds = hasOwnClientId ? opts.clientId : defaults.clientId
  return {
    issuer,
    jwksUri: jwks,
    profile,
    clientIds: clientIds === undefined ? null : stringSet(hasOwnClientId ? `${name}.clientId` : 'clientId', clientIds, 'anywhere'),
    tokenUse: cognito ? (opts.tokenUse !== undefined ? tokenUse(`${name}.tokenUse`, opts.tokenUse) : tokenUse('tokenUse', defaults.tokenUse)) : 'access',
    audiences
  }
}

/**
 * Wraps `trustIssuer` so that its answers are checked like configured issuers. The top-level
 * defaults must already make a complete issuer, so that a bare URL answer works: checked now,
 * at construction, rather than on the first token.
 */
function dynamicTrust (trust: (iss: string) => TrustAnswer | undefined | null, defaults: IssuerDefaults): DynamicTrust {
  const profile = defaults.profile === undefined ? COGNITO_PROFILE : resolveProfile('profile', defaults.profile)
  if (profile === COGNITO_PROFILE && defaults.clientId === undefined) {
    throw new OptionError('clientId', 'is required with trustIssuer under the cognito profile, for the issuers it trusts: list the app client ids, or pass null')
  }
  if (profile !== COGNITO_PROFILE && defaults.audience === undefined) {
    throw new OptionError('audience', `is required with trustIssuer under the ${profile.name} profile, for the issuers it trusts`)
  }
  return {
    ask: (iss) => trust(iss),
    resolve: (iss, answer) => {
      const resolved = resolveIssuer('trustIssuer()', answer, defaults, undefined)
      if (resolved.issuer !== iss) {
        throw new OptionError('trustIssuer()', `returned the issuer ${quote(resolved.issuer)} for a token whose iss is ${quote(iss)}; it must return that iss exactly`)
      }
      return resolved
    }
  }
}

/** A {@link DynamicTrust} as one function: the resolved issuer, or `undefined` when not trusted. */
function askAndResolve (trust: DynamicTrust): (iss: string) => ResolvedIssuer | undefined {
  return (iss) => {
    const answer = trust.ask(iss)
    return answer === undefined || answer === null ? undefined : trust.resolve(iss, answer)
  }
}

/**
 * Whether a top-level `tokenUse` applies to any issuer: a configured one under the cognito
 * profile, or those trustIssuer admits when the top-level profile is cognito.
 */
function takesTokenUse (issuers: ReadonlyMap<string, ResolvedIssuer>, dynamic: boolean, profile: unknown): boolean {
  for (const issuer of issuers.values()) if (issuer.profile === COGNITO_PROFILE) return true
  return dynamic && (profile === undefined || resolveProfile('profile', profile) === COGNITO_PROFILE)
}

/**
 * Checks every option and fills in the defaults.
 *
 * @example
 * ```ts
 * const resolved = resolveOptions({ userPoolId: 'eu-west-1_AbC123', clientId: 'my-client' })
 * ```
 */
export function resolveOptions (options: VerifierOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new OptionError('options', `must be an object (got ${describe(options)})`)
  rejectUnknownKeys('', options, VERIFIER_KEYS)

  const entries: Array<{ name: string, entry: string | IssuerOptions }> = []
  if (options.issuer !== undefined) {
    if (Array.isArray(options.issuer)) throw new OptionError('issuer', 'takes one issuer; list several under "issuers"')
    entries.push({ name: 'issuer', entry: options.issuer })
  }
  if (options.issuers !== undefined) {
    if (!Array.isArray(options.issuers)) throw new OptionError('issuers', `must be an array of issuers; for one, use "issuer" (got ${describe(options.issuers)})`)
    if (options.issuers.length === 0) throw new OptionError('issuers', 'must not be an empty array')
    options.issuers.forEach((entry, i) => entries.push({ name: `issuers[${i}]`, entry }))
  }
  if (options.userPoolId !== undefined) {
    const pools = Array.isArray(options.userPoolId) ? options.userPoolId : [options.userPoolId]
    if (pools.length === 0) throw new OptionError('userPoolId', 'must not be an empty array')
    for (const pool of pools) {
      if (!isUserPoolId(pool)) throw new OptionError('userPoolId', `must look like "<region>_<id>", for example "eu-west-1_AbC123" (got ${describe(pool)})`)
      for (const issuer of cognitoIssuers(pool)) entries.push({ name: 'userPoolId', entry: issuer })
    }
  }
  if (options.trustIssuer !== undefined && typeof options.trustIssuer !== 'function') {
    throw new OptionError('trustIssuer', `must be a function from a token's iss to an issuer configuration or undefined (got ${describe(options.trustIssuer)})`)
  }
  if (entries.length === 0 && options.trustIssuer === undefined) throw new OptionError('issuer', 'is required (or issuers, userPoolId or trustIssuer): name the issuer whose tokens are trusted')
  if (options.jwksUri !== undefined && entries.length > 1) {
    throw new OptionError('jwksUri', 'applies to a single issuer; with several, give each issuer its own jwksUri')
  }
  // Checked even when the issuer names its own jwksUri, so a wrong value never passes unnoticed.
  const insecureHttpHosts = hostList('allowInsecureHttpHosts', options.allowInsecureHttpHosts)
  if (options.jwksUri !== undefined) keyUrl('jwksUri', options.jwksUri, insecureHttpHosts)
  if (options.jwksUri !== undefined && entries.length === 0) {
    // One URL for every issuer trustIssuer may name would verify each tenant's tokens with one
    // key set: refused, not applied, and not ignored in silence.
    throw new OptionError('jwksUri', `applies to a configured issuer only (got ${quote(options.jwksUri)}); an issuer trusted by trustIssuer names its own jwksUri in the configuration trustIssuer returns`)
  }

  const defaults: IssuerDefaults = {
    insecureHttpHosts,
    clientId: options.clientId,
    tokenUse: options.tokenUse === undefined ? DEFAULTS.tokenUse : options.tokenUse,
    audience: options.audience,
    profile: options.profile
  }
  if (options.clientId !== undefined) stringSet('clientId', options.clientId, 'anywhere')
  tokenUse('tokenUse', defaults.tokenUse)
  if (options.audience !== undefined) stringSet('audience', options.audience, 'around')

  const trust = options.trustIssuer === undefined ? undefined : dynamicTrust(options.trustIssuer, defaults)
  const issuers = new Map<string, ResolvedIssuer>()
  for (const { name, entry } of entries) {
    const resolved = resolveIssuer(name, entry, defaults, options.jwksUri)
    if (issuers.has(resolved.issuer)) throw new OptionError(name, `names issuer ${resolved.issuer} twice`)
    issuers.set(resolved.issuer, resolved)
  }
  if (options.tokenUse !== undefined && !takesTokenUse(issuers, trust !== undefined, defaults.profile)) {
    throw new OptionError('tokenUse', `applies to the cognito profile only, and no issuer here has it: the other profiles accept access tokens only (got ${describe(options.tokenUse)})`)
  }

  const algorithms = options.algorithms === undefined ? DEFAULTS.algorithms : options.algorithms
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every(isSupportedAlgorithm)) {
    throw new OptionError('algorithms', `must be a non-empty array drawn from ${SUPPORTED_ALGORITHMS.join(', ')} (got ${describe(algorithms)})`)
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new OptionError('clock', `must be a function returning milliseconds since the epoch (got ${describe(options.clock)})`)
  }

  return {
    issuers,
    algorithms: new Set(algorithms),
    clockToleranceSeconds: integer('clockToleranceSeconds', options.clockToleranceSeconds, DEFAULTS.clockToleranceSeconds, 0, 300),
    maxTokenLifetimeSeconds: integer('maxTokenLifetimeSeconds', options.maxTokenLifetimeSeconds, DEFAULTS.maxTokenLifetimeSeconds, 1, 31_536_000),
    maxTokenBytes: integer('maxTokenBytes', options.maxTokenBytes, DEFAULTS.maxTokenBytes, 256, 65_536),
    jwksTimeoutMs: integer('jwksTimeoutMs', options.jwksTimeoutMs, DEFAULTS.jwksTimeoutMs, 100, 60_000),
    jwksCooldownMs: integer('jwksCooldownMs', options.jwksCooldownMs, DEFAULTS.jwksCooldownMs, 1000, 3_600_000),
    jwksMaxAgeMs: integer('jwksMaxAgeMs', options.jwksMaxAgeMs, DEFAULTS.jwksMaxAgeMs, 10_000, 86_400_000),
    jwksStaleIfErrorMs: integer('jwksStaleIfErrorMs', options.jwksStaleIfErrorMs, DEFAULTS.jwksStaleIfErrorMs, 0, 86_400_000),
    jwksMaxBytes: integer('jwksMaxBytes', options.jwksMaxBytes, DEFAULTS.jwksMaxBytes, 1024, 16_777_216),
    maxRsaKeyBits: integer('maxRsaKeyBits', options.maxRsaKeyBits, DEFAULTS.maxRsaKeyBits, 2048, 16_384),
    tokenCacheMaxEntries: integer('tokenCacheMaxEntries', options.tokenCacheMaxEntries, DEFAULTS.tokenCacheMaxEntries, 0, 10_000_000),
    tokenCacheMaxBytes: integer('tokenCacheMaxBytes', options.tokenCacheMaxBytes, DEFAULTS.tokenCacheMaxBytes, 0, 4_294_967_296),
    tokenCacheAdmission: admission(options.tokenCacheAdmission),
    verifyOnThreadpool: flag('verifyOnThreadpool', options.verifyOnThreadpool, DEFAULTS.verifyOnThreadpool),
    insecureHttpHosts,
    trustIssuer: trust === undefined ? undefined : askAndResolve(trust),
    dynamicTrust: trust,
    issuerCacheMaxEntries: integer('issuerCacheMaxEntries', options.issuerCacheMaxEntries, DEFAULTS.issuerCacheMaxEntries, 1, 1_000_000),
    warnings: insecureHttpHosts.size === 0
      ? []
      : [`allowInsecureHttpHosts: signing keys may be fetched over plain http from ${[...insecureHttpHosts].join(', ')}; anyone on that network path can forge every token. Use it for local runs only.`],
    clock: options.clock ?? Date.now
  }
}
