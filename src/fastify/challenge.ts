/**
 * Answering a refused request the RFC 6750 §3 way.
 *
 * | failure kind         | status | WWW-Authenticate                                            |
 * |----------------------|--------|-------------------------------------------------------------|
 * | no credentials       | 401    | `Bearer realm="…"` (no error code, §3.1)                    |
 * | `invalid_request`    | 400    | `Bearer realm="…", error="invalid_request", …`              |
 * | `invalid_token`      | 401    | `Bearer realm="…", error="invalid_token", …`                |
 * | `insufficient_scope` | 403    | `Bearer realm="…", error="insufficient_scope", scope="…"`   |
 * | `unavailable`        | 503    | none (the token is not known to be bad) and `Retry-After`   |
 *
 * Bodies have Fastify's error shape `{ statusCode, code, error, message }`.
 */
import type { FastifyReply } from 'fastify'
import { CredentialsMissingError, InsufficientScopeError, JwksUnavailableError, type ResourceServerError } from '../verifier/errors.js'

const STATUS = { invalid_request: 400, invalid_token: 401, insufficient_scope: 403, unavailable: 503 } as const
const REASON = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' } as const

/**
 * RFC 6750 §3: error_description and scope values may hold only %x20-21 / %x23-5B / %x5D-7E,
 * so quotes and backslashes are replaced and anything outside printable ASCII is dropped.
 */
export function quotable (text: string): string {
  return text.replace(/"/g, '\'').replace(/\\/g, '/').replace(/[^\x20-\x7E]/g, '')
}

/** The `realm` auth-param, quoted; checked once at registration. */
export function realmParam (realm: string): string {
  return `Bearer realm="${quotable(realm)}"`
}

/** The WWW-Authenticate value for `err`, or `undefined` when none should be sent. */
export function challengeFor (err: ResourceServerError, realm: string): string | undefined {
  if (err instanceof CredentialsMissingError) return realm
  if (err.kind === 'unavailable') return undefined
  let value = `${realm}, error="${err.kind}", error_description="${quotable(err.message)}"`
  if (err instanceof InsufficientScopeError) value += `, scope="${err.scopes.join(' ')}"`
  return value
}

/** Sends the refusal for `err`: status, challenge, `Retry-After` and Fastify's error body. */
export function sendRefusal (reply: FastifyReply, err: ResourceServerError, realm: string): FastifyReply {
  const statusCode = STATUS[err.kind]
  const challenge = challengeFor(err, realm)
  if (challenge !== undefined) reply.header('www-authenticate', challenge)
  if (err instanceof JwksUnavailableError) reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))))
  // A refusal is never cached by a shared cache: the next request, with another token, differs.
  reply.header('cache-control', 'no-store')
  return reply.code(statusCode).send({ statusCode, code: err.code, error: REASON[statusCode], message: err.message })
}
