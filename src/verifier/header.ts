/**
 * The JOSE header rules (RFC 7515 §4.1, RFC 8725 §3.1, RFC 9068 §2.1).
 *
 * - `alg` must be in the allowlist; `none` and HMAC never are.
 * - Any `crit` is rejected: we implement no extension, so we may not ignore one (RFC 7515 §4.1.11).
 * - Any `cty` is rejected: it announces a nested JWT (RFC 7519 §5.2), and nested tokens are never
 *   accepted, so a token whose payload is another token cannot pass as the outer one.
 * - `jku`, `x5u`, `jwk` and `x5c` are ignored: keys come only from the configured JWKS, never from
 *   the token itself.
 * - `kid` is required, so a key is chosen by lookup, never by trial.
 * - `typ`, when present, is `JWT` or `at+jwt` (media types compare case-insensitively).
 */
import type { Algorithm } from './algorithms.js'
import { AlgorithmNotAllowedError, HeaderInvalidError } from './errors.js'
import type { ResolvedProfile } from './profiles.js'

/** The header members the verifier relies on, once checked. */
export interface CheckedHeader {
  readonly alg: Algorithm
  readonly kid: string
}

const MAX_KID_LENGTH = 1024
// The alg is attacker-chosen: echo it only when short and plain, so no control character, quote
// or backslash travels into a log line or a WWW-Authenticate error_description (RFC 6750 §3).
const SHOWABLE_ALG = /^[A-Za-z0-9+._-]{1,16}$/
/** Every `typ` the header check lets through (lower case); a profile may narrow it. */
export const ACCEPTED_TYP: ReadonlySet<string> = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt'])

/**
 * Checks the header and returns its `alg` and `kid`.
 *
 * @throws {AlgorithmNotAllowedError} when `alg` is not allowed.
 * @throws {HeaderInvalidError} when `crit`, `cty`, `kid` or `typ` is not acceptable.
 */
export function checkHeader (header: Readonly<Record<string, unknown>>, algorithms: ReadonlySet<Algorithm>): CheckedHeader {
  const { alg, kid, typ } = header
  if (typeof alg !== 'string' || !algorithms.has(alg as Algorithm)) {
    const shown = typeof alg === 'string' && SHOWABLE_ALG.test(alg) ? `"${alg}"` : 'this algorithm'
    throw new AlgorithmNotAllowedError(`The token is signed with ${shown}; accepted: ${[...algorithms].join(', ')}.`)
  }
  if (header.crit !== undefined) {
    throw new HeaderInvalidError('crit', 'The token header marks extensions as critical ("crit"); none are supported.')
  }
  if (header.cty !== undefined) {
    throw new HeaderInvalidError('cty', 'The token header carries "cty"; nested tokens are not accepted.')
  }
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    throw new HeaderInvalidError('kid', 'The token header must name its signing key in "kid".')
  }
  if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
    throw new HeaderInvalidError('typ', 'The token header "typ" must be JWT or at+jwt.')
  }
  return { alg: alg as Algorithm, kid }
}

/**
 * Checks the header's `typ` against the issuer's profile, once the issuer is known: `rfc9068`
 * takes `at+jwt` only (RFC 9068 §2.1, §4), so an ID token or any other JWT is refused; a mapped
 * profile takes the values its issuer writes. The cognito profile keeps {@link checkHeader}'s rule.
 *
 * @throws {HeaderInvalidError} naming `typ`.
 * @example
 * ```ts
 * checkProfileTyp(header, resolveProfile('profile', 'rfc9068'))
 * ```
 */
export function checkProfileTyp (header: Readonly<Record<string, unknown>>, profile: ResolvedProfile): void {
  if (profile.typ === null) return
  const typ = header.typ
  // checkHeader has already refused a typ that is not a string.
  if (!profile.typ.has(typ === undefined ? '' : (typ as string).toLowerCase())) {
    throw new HeaderInvalidError('typ', profile.name === 'rfc9068'
      ? 'The token header "typ" must be at+jwt (RFC 9068): this is not an access token.'
      : `The token header "typ" is not one the ${profile.name} profile accepts for access tokens.`)
  }
}
