/**
 * The headers of every page the issuer renders: a Content-Security-Policy without any script,
 * `frame-ancestors 'none'` (and X-Frame-Options for older browsers) against clickjacking, no
 * caching, and no Referer leaving the page.
 *
 * `form-action` must also allow the client's redirect origin: browsers apply it to the redirect
 * that follows the form submission, and the successful login redirects to the client.
 */
import type { FastifyReply } from 'fastify'

/**
 * Sets the page headers on `reply`; `formTarget` is the origin the form's answer redirects to.
 *
 * @example
 * ```ts
 * pageHeaders(reply, 'https://app.example.com')
 * ```
 */
export function pageHeaders (reply: FastifyReply, formTarget?: string): FastifyReply {
  const formAction = formTarget === undefined ? "'self'" : `'self' ${formTarget}`
  return reply
    .header('content-security-policy', `default-src 'none'; style-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
}
