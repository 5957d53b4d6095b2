/**
 * Finding the bearer token in a request, by RFC 6750 §2.
 *
 * Only the Authorization header is accepted (§2.1). The scheme is case-insensitive (RFC 9110
 * §11.1). A token sent by more than one method, or two Authorization headers, is refused with
 * `invalid_request` (§3.1): which one would we trust? A token in the query string (§2.3, which
 * the RFC discourages because URLs end up in logs) is refused the same way.
 */
import type { FastifyRequest } from 'fastify'
import { AuthorizationMalformedError, MultipleTokensError } from '../verifier/errors.js'

const AUTHORIZATION_LENGTH = 13 // 'authorization'.length

function countAuthorizationHeaders (rawHeaders: readonly string[]): number {
  let n = 0
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    if (name.length === AUTHORIZATION_LENGTH && name.toLowerCase() === 'authorization') n++
  }
  return n
}

function hasQueryToken (request: FastifyRequest): boolean {
  // The parsed query decides, whose names are decoded as the application will read them: a raw
  // text test would miss `?%61ccess_token=`. A URL without `?` has no query to consult; Object()
  // keeps a custom querystringParser's non-object answer from throwing.
  return request.raw.url?.includes('?') === true && Object.hasOwn(Object(request.query), 'access_token')
}

/**
 * Returns the bearer token, or `undefined` when the request carries no bearer credentials.
 *
 * @throws {MultipleTokensError} for two Authorization headers, or a header plus a query token, or
 * a query token alone.
 * @throws {AuthorizationMalformedError} for `Bearer` with nothing after it.
 *
 * The token's characters are not checked here: the verifier accepts only canonical base64url
 * segments, a subset of RFC 6750's b64token, and checks them only on a cache miss.
 */
export function extractBearer (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (hasQueryToken(request)) {
    throw new MultipleTokensError(header === undefined
      ? 'Send the access token in the Authorization header; the access_token query parameter is not accepted.'
      : 'The request carries a token in both the Authorization header and the query string; send exactly one.')
  }
  if (header === undefined) return undefined
  if (countAuthorizationHeaders(request.raw.rawHeaders) > 1) {
    throw new MultipleTokensError('The request carries more than one Authorization header; send exactly one.')
  }
  const space = header.indexOf(' ')
  const scheme = space === -1 ? header : header.slice(0, space)
  if (scheme.toLowerCase() !== 'bearer') return undefined
  const credentials = space === -1 ? '' : header.slice(space + 1).trim()
  if (credentials === '') {
    throw new AuthorizationMalformedError('The Authorization header names the Bearer scheme but carries no token.')
  }
  return credentials
}

/**
 * Whether a parsed form body also carries a token (RFC 6750 §2.2), which together with the
 * header makes two methods at once.
 */
export function hasFormBodyToken (request: FastifyRequest): boolean {
  const type = request.headers['content-type']
  if (type === undefined || !type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return false
  const body = request.body
  return typeof body === 'object' && body !== null && Object.hasOwn(body, 'access_token')
}
