/**
 * Token endpoint refusals, as RFC 6749 §5.2 JSON bodies `{ error, error_description }`.
 * Descriptions say what to fix and never contain a secret or a token.
 */
import type { FastifyReply } from 'fastify'

/**
 * The error codes of RFC 6749 §4.1.2.1 (authorization endpoint) and §5.2 (token endpoint), and
 * RFC 7009 §2.2.1 (`unsupported_token_type`), OIDC Core §3.1.2.6 (`login_required`), plus
 * `server_error`.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'server_error'

/** Every code above, for documentation tests. */
export const OAUTH_ERROR_CODES: readonly OAuthErrorCode[] = [
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type',
  'unsupported_response_type', 'unsupported_token_type', 'invalid_scope', 'access_denied', 'login_required', 'server_error'
]

/**
 * A refusal of a token request. `invalid_client` is 401 (with a Basic challenge), `server_error`
 * 500, everything else 400.
 *
 * @example
 * ```ts
 * throw new OAuthError('invalid_scope', 'The client may not request scope "transactions/delete".')
 * ```
 */
export class OAuthError extends Error {
  readonly status: number
  constructor (readonly error: OAuthErrorCode, description: string) {
    super(description)
    this.status = error === 'invalid_client' ? 401 : error === 'server_error' ? 500 : 400
  }

  override get name (): string { return 'OAuthError' }
}

/** Token responses, good or bad, must not be cached (RFC 6749 §5.1). */
export function noStore (reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
}

/**
 * Sends `err` as an RFC 6749 §5.2 reply. `realm` names the protection space of the Basic
 * challenge sent with 401 (RFC 6749 §5.2 requires it when the client used Basic; we always send it).
 */
export function sendOAuthError (reply: FastifyReply, err: OAuthError, realm: string): FastifyReply {
  noStore(reply).code(err.status)
  if (err.error === 'invalid_client') reply.header('www-authenticate', `Basic realm="${realm}", charset="UTF-8"`)
  return reply.send({ error: err.error, error_description: err.message })
}
