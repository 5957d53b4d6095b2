/**
 * Forwarding the verified identity upstream, and nothing a client forged: every client-sent
 * header that {@link strippedHeaderMatcher} names is dropped before the verified identity is
 * added, each value encoded as header-values.ts describes, and where the request came from
 * (X-Forwarded-For, -Host, -Proto) is set from what the gateway determined.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { VerifiedToken } from '../verifier/verified-token.js'
import { encodeIdentityList, encodeIdentityValue } from './header-values.js'
import { strippedHeaderMatcher } from './stripped-headers.js'
import type { IdentityHeaderNames } from './config.js'

/** What the rewriter strips beyond the identity header names themselves. */
export interface ExtraStrippedHeaders { readonly names: readonly string[], readonly prefixes: readonly string[] }

/** Where the request came from, as the gateway determined it (Fastify's request.ip, .host, .protocol). */
export interface RequestOrigin { readonly ip: string | undefined, readonly host: string, readonly protocol: string }

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
): (headers: IncomingHttpHeaders, auth: VerifiedToken | null, origin?: RequestOrigin) => IncomingHttpHeaders {
  const stripped = strippedHeaderMatcher([...Object.values(names), ...extra.names], extra.prefixes)
  // A verified token is one object for as long as it is cached, so a repeated token's identity
  // headers are encoded once, not on every request.
  const encoded = new WeakMap<VerifiedToken, ReadonlyArray<readonly [string, string]>>()
  const identity = (auth: VerifiedToken): ReadonlyArray<readonly [string, string]> => {
    let pairs = encoded.get(auth)
    if (pairs === undefined) {
      const list: Array<[string, string]> = [[names.sub, encodeIdentityValue(auth.sub)], [names.scopes, encodeIdentityList(auth.scopes)]]
      if (auth.clientId !== undefined) list.push([names.clientId, encodeIdentityValue(auth.clientId)])
      if (auth.username !== undefined) list.push([names.username, encodeIdentityValue(auth.username)])
      // Empty items are left out of a list, so groups of only empty names are no groups.
      const groups = encodeIdentityList(auth.groups)
      if (groups !== '') list.push([names.groups, groups])
      if (auth.tokenUse !== undefined) list.push([names.tokenUse, encodeIdentityValue(auth.tokenUse)])
      // With several trusted issuers, the same sub from two of them is two different subjects.
      list.push([names.issuer, encodeIdentityValue(auth.issuer)])
      pairs = list
      encoded.set(auth, pairs)
    }
    return pairs
  }
  return (headers, auth, origin) => {
    const out: IncomingHttpHeaders = {}
    for (const name in headers) {
      if (!stripped(name)) out[name] = headers[name]
    }
    if (auth !== null) for (const [name, value] of identity(auth)) out[name] = value
    if (origin !== undefined) {
      // A client that has hung up has no address; Host is empty only for HTTP/1.0 without one.
      if (origin.ip !== undefined) out['x-forwarded-for'] = origin.ip
      if (origin.host !== '') out['x-forwarded-host'] = origin.host
      out['x-forwarded-proto'] = origin.protocol
    }
    return out
  }
}
