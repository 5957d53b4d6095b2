/**
 * What an untrusted-issuer refusal may say: the token's `iss` in a form safe for any log line,
 * and the near miss that most often explains it (a trailing slash, a case difference, http
 * against https). `iss` is a claim, not a secret; the token itself is never logged.
 */

/** The longest `iss` quoted in a log line, in characters. */
const MAX_LOGGED_ISS = 256

/**
 * `iss` as a log line may carry it: control characters and line separators escaped (so a forged
 * claim cannot start a new log line or drive a terminal), cut at 256 characters.
 *
 * @example
 * ```ts
 * loggableIss('https://evil.example\n{"level":60}') // 'https://evil.example\\u000a{"level":60}'
 * ```
 */
export function loggableIss (iss: string): string {
  const cut = iss.length > MAX_LOGGED_ISS ? `${iss.slice(0, MAX_LOGGED_ISS)}…` : iss
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/g, (c) => c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The near misses of trusted issuers, each variant mapped to what differs. */
export class NearMisses {
  readonly #variants = new Map<string, string>()

  /** Adds the variants of one trusted issuer. */
  add (issuer: string): void {
    const slash = issuer.endsWith('/') ? issuer.slice(0, -1) : `${issuer}/`
    this.#variants.set(slash, issuer.endsWith('/') ? 'a missing trailing slash' : 'a trailing slash')
    if (issuer.startsWith('https://')) this.#variants.set(`http://${issuer.slice(8)}`, 'http where https is expected')
    if (issuer.startsWith('http://')) this.#variants.set(`https://${issuer.slice(7)}`, 'https where http is expected')
    this.#variants.set(`case:${issuer.toLowerCase()}`, 'letter case')
  }

  /**
   * What sets `iss` apart from a trusted issuer when that is a near miss, such as
   * `'a trailing slash'`; `undefined` otherwise.
   *
   * @example
   * ```ts
   * const misses = new NearMisses(); misses.add('https://a.example/pool')
   * misses.of('https://a.example/pool/') // 'a trailing slash'
   * ```
   */
  of (iss: string): string | undefined {
    return this.#variants.get(iss) ?? this.#variants.get(`case:${iss.toLowerCase()}`)
  }
}
