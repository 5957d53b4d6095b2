/**
 * Forwarding the verified identity upstream, and nothing a client forged: every client-sent
 * header that {@link strippedHeaderMatcher} names is dropped before the verified identity is
 * added, each value encoded as header-values.ts describes.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { VerifiedToken } from '../verifier/verified-token.js'
import { encodeIdentityList, encodeIdentityValue } from './header-values.js'
import { strippedHeaderMatcher } from './stripped-headers.js'
import type { IdentityHeaderNames } from './config.js'

/** What the rewriter strips beyond the identity header names themselves. */
export interface ExtraStrippedHeaders { readonly names: readonly string[], readonly prefixes: readonly string[] }

/**
 * Builds the header rewriter for one set of identity header names.
 *
 * @example
 * ```ts
 * const rewrite = identityHeaderRewriter(DEFAULT_IDENTITY_HEADERS)
 * rewrite({ 'x-forwarded-user': 'admin', accept: '*\/*' }, null) // { accept: '*\/*' }
 * ```
 */
export function identityHeaderRewriter (
  names: Readonly<IdentityHeaderNames>,
  extra: ExtraStrippedHeaders = { names: [], prefixes: [] }
): (headers: IncomingHttpHeaders, auth: VerifiedToken | null) => IncomingHttpHeaders {
  const stripped = strippedHeaderMatcher([...Object.values(names), ...extra.names], extra.prefixes)
  return (headers, auth) => {
    const out: IncomingHttpHeaders = {}
    for (const name in headers) {
      if (!stripped(name)) out[name] = headers[name]
    }
    if (auth !== null) {
      out[names.sub] = encodeIdentityValue(auth.sub)
      out[names.scopes] = encodeIdentityList(auth.scopes)
      if (auth.clientId !== undefined) out[names.clientId] = encodeIdentityValue(auth.clientId)
      if (auth.username !== undefined) out[names.username] = encodeIdentityValue(auth.username)
      if (auth.groups.length > 0) out[names.groups] = encodeIdentityList(auth.groups)
      if (auth.tokenUse !== undefined) out[names.tokenUse] = encodeIdentityValue(auth.tokenUse)
    }
    return out
  }
}
