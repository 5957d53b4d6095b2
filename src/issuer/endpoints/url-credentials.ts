/**
 * RFC 6749 §2.3.1: client credentials "MUST NOT be included in the request URI". A URL is written
 * to access logs, proxies and browser history, so the token and revocation endpoints refuse one
 * that carries a client credential, or any other credential, rather than ignore it.
 */
import { CREDENTIAL_PARAMETERS } from '../../logging/serializers.js'
import { OAuthError } from './oauth-errors.js'

const IN_BODY_ONLY = new Set(['client_id', 'client_secret', 'client_assertion', ...CREDENTIAL_PARAMETERS])

/**
 * Throws `invalid_request` when the query string of `url` names a credential parameter.
 *
 * @example
 * ```ts
 * refuseCredentialsInUrl('/oauth2/token?client_secret=x') // throws OAuthError('invalid_request', …)
 * ```
 */
export function refuseCredentialsInUrl (url: string): void {
  const q = url.indexOf('?')
  if (q === -1) return
  for (const name of new URLSearchParams(url.slice(q + 1)).keys()) {
    if (IN_BODY_ONLY.has(name.toLowerCase())) {
      throw new OAuthError('invalid_request', 'Client credentials and tokens go in the form body (or HTTP Basic), never in the URL (RFC 6749 §2.3.1).')
    }
  }
}
