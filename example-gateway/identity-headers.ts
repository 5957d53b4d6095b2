/**
 * Forwarding the verified identity upstream, and nothing a client forged.
 *
 * Before proxying, every client-sent header whose name matches an identity header is removed,
 * whatever its case and whether it spells `-` as `_` (some servers, and CGI-style frameworks,
 * treat `x_auth_sub` as `x-auth-sub`). Method-override headers are removed too, so a client
 * cannot turn an authorised GET into a DELETE behind the gateway.
 *
 * Group names are percent-encoded (a group may contain a comma), then joined with commas.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { VerifiedToken } from '../src/verifier/verified-token.js'
import type { IdentityHeaderNames } from './config.js'

const METHOD_OVERRIDE = ['x-http-method-override', 'x-http-method', 'x-method-override']

function canonical (name: string): string {
  return name.toLowerCase().replace(/_/g, '-')
}

/** RFC 9110 field values: visible ASCII and spaces pass as they are; anything else is percent-encoded. */
function fieldValue (value: string): string {
  return /^[\x20-\x7E]*$/.test(value) ? value : encodeURIComponent(value)
}

/** Builds the header rewriter for one set of identity header names. */
export function identityHeaderRewriter (names: Readonly<IdentityHeaderNames>): (headers: IncomingHttpHeaders, auth: VerifiedToken | null) => IncomingHttpHeaders {
  const banned = new Set([...Object.values(names), ...METHOD_OVERRIDE].map(canonical))
  return (headers, auth) => {
    const out: IncomingHttpHeaders = {}
    for (const [name, value] of Object.entries(headers)) {
      if (!banned.has(canonical(name))) out[name] = value
    }
    if (auth !== null) {
      out[names.sub] = fieldValue(auth.sub)
      out[names.scopes] = auth.scopes.join(' ')
      if (auth.clientId !== undefined) out[names.clientId] = fieldValue(auth.clientId)
      if (auth.username !== undefined) out[names.username] = fieldValue(auth.username)
      if (auth.groups.length > 0) out[names.groups] = auth.groups.map(encodeURIComponent).join(',')
      if (auth.tokenUse !== undefined) out[names.tokenUse] = auth.tokenUse
    }
    return out
  }
}
