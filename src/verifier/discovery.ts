/**
 * Discovery: where an issuer's keys are, read from its metadata (OpenID Connect Discovery 1.0 §4,
 * RFC 8414 §3) when no `jwksUri` is configured.
 *
 * - `<issuer>/.well-known/openid-configuration` first; on 404, RFC 8414's
 *   `<origin>/.well-known/oauth-authorization-server<path>`.
 * - Fetched with the JWKS's rules (jwks-fetch.ts): timeout, size cap, no redirects, UTF-8 only.
 * - Its `issuer` must equal the configured issuer exactly (RFC 8414 §3.3), or an attacker who
 *   can serve one document could name another issuer's keys; its `jwks_uri` must be https (or
 *   loopback, or a host in `allowInsecureHttpHosts`).
 * - Read only as part of a JWKS download, so it follows the key set's cooldown and back-off; a
 *   document older than the max age is fetched again, and while that fails the last good
 *   `jwks_uri` is kept (the key set's own stale window bounds how long it serves).
 */
import { fetchJsonDocument, JwksFetchError, type DocumentKind } from './jwks-fetch.js'
import { isTrustedKeyUrl } from './options.js'

/** Timing, size and trust rules for {@link IssuerMetadata}. */
export interface IssuerMetadataOptions {
  readonly timeoutMs: number
  readonly maxBytes: number
  readonly maxAgeMs: number
  readonly insecureHttpHosts: ReadonlySet<string>
  readonly clock: () => number
}

const METADATA: DocumentKind = { accept: 'application/json', name: 'the metadata endpoint' }

/** The most of a foreign value a message quotes. */
const SHOWN = 120

function shown (value: string): string {
  return JSON.stringify(value.length > SHOWN ? `${value.slice(0, SHOWN)}…` : value)
}

/**
 * The discovery URLs of an issuer, in the order they are tried.
 *
 * @example
 * ```ts
 * discoveryUrls('https://id.example.com/realms/acme')
 * // ['https://id.example.com/realms/acme/.well-known/openid-configuration',
 * //  'https://id.example.com/.well-known/oauth-authorization-server/realms/acme']
 * ```
 */
export function discoveryUrls (issuer: string): [string, string] {
  const url = new URL(issuer)
  const path = url.pathname.replace(/\/+$/, '')
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`
  ]
}

/** One issuer's metadata: its `jwks_uri`, cached for the max age. */
export class IssuerMetadata {
  #jwksUri: string | undefined
  #fetchedAt = 0
  /** How many metadata downloads were started, for tests and benchmarks. */
  fetchCount = 0

  constructor (readonly issuer: string, private readonly options: IssuerMetadataOptions) {}

  /**
   * The issuer's `jwks_uri`, from the cache while it is younger than the max age.
   *
   * @throws {JwksFetchError} when no metadata could be read and none is in hand.
   */
  async jwksUri (): Promise<string> {
    const cached = this.#jwksUri
    if (cached !== undefined && this.options.clock() - this.#fetchedAt < this.options.maxAgeMs) return cached
    try {
      this.#jwksUri = await this.#download()
      this.#fetchedAt = this.options.clock()
      return this.#jwksUri
    } catch (err) {
      if (cached !== undefined) return cached
      throw err
    }
  }

  async #download (): Promise<string> {
    const [openid, rfc8414] = discoveryUrls(this.issuer)
    let doc: unknown
    try {
      this.fetchCount++
      doc = await fetchJsonDocument(openid, METADATA, this.options.timeoutMs, this.options.maxBytes)
    } catch (err) {
      if ((err as JwksFetchError).status !== 404) throw err
      this.fetchCount++
      doc = await fetchJsonDocument(rfc8414, METADATA, this.options.timeoutMs, this.options.maxBytes)
    }
    return this.#check(doc)
  }

  #check (doc: unknown): string {
    const { issuer, jwks_uri: jwksUri } = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>
    if (issuer !== this.issuer) {
      throw new JwksFetchError(typeof issuer === 'string'
        ? `the metadata names the issuer ${shown(issuer)}, not ${shown(this.issuer)} (RFC 8414 §3.3: they must be equal)`
        : 'the metadata has no "issuer"')
    }
    if (typeof jwksUri !== 'string') throw new JwksFetchError('the metadata has no "jwks_uri"')
    let url: URL
    try {
      url = new URL(jwksUri)
    } catch {
      throw new JwksFetchError(`the metadata's jwks_uri ${shown(jwksUri)} is not an absolute URL`)
    }
    if (!isTrustedKeyUrl(url, this.options.insecureHttpHosts) || url.username !== '' || url.password !== '' || url.hash !== '') {
      throw new JwksFetchError(`the metadata's jwks_uri ${shown(jwksUri)} is not https (plain http only on loopback), or carries credentials or a fragment`)
    }
    return url.href
  }
}
