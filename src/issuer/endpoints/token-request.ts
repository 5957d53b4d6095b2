/**
 * Reading a token request (RFC 6749 §4.4.2) and its client authentication (§2.3.1): parameters
 * from the form body, each at most once (§3.2), empty ones treated as absent (§3.1); the client
 * either by HTTP Basic, whose user and password are themselves form-urlencoded, or by
 * `client_id` + `client_secret` in the body, never both (§2.3).
 */
import { OAuthError } from './oauth-errors.js'

/** How the client authenticated; `none` is a public client naming itself with `client_id` alone. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none'

/** The client's credentials as presented. */
export interface PresentedCredentials {
  readonly clientId: string
  /** Undefined for `none`. */
  readonly clientSecret: string | undefined
  readonly method: ClientAuthMethod
}

/** A syntactically sound token request. */
export interface TokenRequest {
  readonly grantType: string
  /** The requested scopes (split on spaces), or undefined when `scope` was absent. */
  readonly scopes: readonly string[] | undefined
  readonly credentials: PresentedCredentials
  /** The grant's own parameters (`code`, `redirect_uri`, `code_verifier`, `refresh_token`, `token`, `token_type_hint`). */
  readonly params: Readonly<Partial<Record<Parameter, string>>>
}

const PARAMETERS = ['grant_type', 'scope', 'client_id', 'client_secret', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'token', 'token_type_hint'] as const
const BASIC = /^basic +([A-Za-z0-9+/]*={0,2}) *$/i
const SCHEME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: |$)/

function invalid (description: string): OAuthError {
  return new OAuthError('invalid_request', description)
}

/** A parameter the token, revocation and userInfo endpoints read. */
export type Parameter = typeof PARAMETERS[number]

/** The known parameters of a form body; a repeated one is an error. */
export function readParameters (body: string | undefined): Partial<Record<Parameter, string>> {
  const out: Partial<Record<Parameter, string>> = {}
  const seen = new Set<string>()
  for (const [name, value] of new URLSearchParams(body ?? '')) {
    if (!(PARAMETERS as readonly string[]).includes(name)) continue
    if (seen.has(name)) throw invalid(`The "${name}" parameter must not be repeated.`)
    seen.add(name)
    if (value !== '') out[name as Parameter] = value
  }
  return out
}

function formDecode (text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    throw invalid('The Basic credentials are not form-urlencoded correctly.')
  }
}

/** The client id and secret of a Basic `Authorization` header (RFC 7617, RFC 6749 §2.3.1). */
export function readBasic (header: string): { clientId: string, clientSecret: string } {
  const match = BASIC.exec(header)
  if (match === null) throw invalid('The Authorization header must be "Basic" followed by base64(client_id:client_secret).')
  const encoded = match[1] as string
  const bytes = Buffer.from(encoded, 'base64')
  // Buffer's decoder skips what it does not understand; only canonical base64 is accepted.
  if (bytes.toString('base64') !== encoded) throw invalid('The Basic credentials are not valid base64.')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw invalid('The Basic credentials are not valid UTF-8.')
  }
  const colon = text.indexOf(':')
  if (colon < 1 || colon === text.length - 1) throw invalid('The Basic credentials must be client_id:client_secret, both non-empty.')
  return { clientId: formDecode(text.slice(0, colon)), clientSecret: formDecode(text.slice(colon + 1)) }
}

/**
 * Reads the grant type, scopes and client credentials of a token request.
 *
 * @throws {OAuthError} `invalid_request` when malformed, `invalid_client` when the client did not
 * authenticate (or used a method other than Basic or client_secret_post).
 */
export function readTokenRequest (body: string | undefined, authorization: string | undefined): TokenRequest {
  const params = readParameters(body)
  if (params.grant_type === undefined) throw invalid('The "grant_type" parameter is required, e.g. grant_type=client_credentials.')
  return { grantType: params.grant_type, scopes: params.scope?.split(' ').filter((s) => s !== ''), credentials: readCredentials(params, authorization), params }
}

/**
 * The client's credentials: HTTP Basic, or `client_id` + `client_secret` in the body, or
 * `client_id` alone for a public client (RFC 6749 §2.3, §3.2.1).
 *
 * @throws {OAuthError} `invalid_request` when malformed, `invalid_client` when there are none.
 */
export function readCredentials (params: Partial<Record<Parameter, string>>, authorization: string | undefined): PresentedCredentials {
  let credentials: PresentedCredentials
  if (authorization !== undefined) {
    const scheme = SCHEME.exec(authorization)
    if (scheme !== null && (scheme[1] as string).toLowerCase() !== 'basic') {
      throw new OAuthError('invalid_client', 'Authenticate the client with HTTP Basic or with client_id and client_secret in the body.')
    }
    if (params.client_secret !== undefined) throw invalid('Authenticate the client with HTTP Basic or with client_secret in the body, not both.')
    const basic = readBasic(authorization)
    if (params.client_id !== undefined && params.client_id !== basic.clientId) throw invalid('The "client_id" parameter differs from the client in the Authorization header.')
    credentials = { ...basic, method: 'client_secret_basic' }
  } else if (params.client_secret !== undefined) {
    if (params.client_id === undefined) throw invalid('The "client_secret" parameter needs a "client_id" beside it.')
    credentials = { clientId: params.client_id, clientSecret: params.client_secret, method: 'client_secret_post' }
  } else if (params.client_id !== undefined) {
    credentials = { clientId: params.client_id, clientSecret: undefined, method: 'none' }
  } else {
    throw new OAuthError('invalid_client', 'The client must authenticate, with HTTP Basic or with client_id and client_secret in the body.')
  }
  return credentials
}
