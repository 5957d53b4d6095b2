/**
 * fastify-resource-server/gateway: an API gateway that verifies bearer tokens, enforces scopes
 * per route and method, limits each client's request rate (in memory or shared through Redis),
 * strips every identity header a client could forge and forwards the verified identity.
 *
 * @example
 * ```ts
 * import { buildGateway, loadGatewayConfig } from 'fastify-resource-server/gateway'
 * const gateway = await buildGateway({ config: loadGatewayConfig('gateway.json') })
 * await gateway.listen({ port: 8080, host: '127.0.0.1' })
 * ```
 *
 * Upstream services read the forwarded identity with the decoders:
 *
 * ```ts
 * import { decodeIdentityList, decodeIdentityValue } from 'fastify-resource-server/gateway'
 * const scopes = decodeIdentityList(request.headers['x-auth-scopes'])
 * const sub = decodeIdentityValue(request.headers['x-auth-sub'])
 * ```
 */
export { buildGateway, type GatewayOptions } from './gateway.js'
export {
  loadGatewayConfig, resolveGatewayConfig, DEFAULT_IDENTITY_HEADERS,
  type GatewayConfig, type GatewayRoute, type MethodScopes, type IdentityHeaderNames, type ResolvedGatewayConfig, type ResolvedGatewayRoute
} from './config.js'
export type { RateLimitConfig, RateLimitRule, ResolvedRateLimitConfig } from './rate-limit-config.js'
export { decodeIdentityList, decodeIdentityValue, encodeIdentityList, encodeIdentityValue } from './header-values.js'
export { WELL_KNOWN_IDENTITY_HEADERS, WELL_KNOWN_IDENTITY_PREFIXES, METHOD_OVERRIDE_HEADERS, PATH_OVERRIDE_HEADERS, HOP_BY_HOP_HEADERS, FORWARDED_HEADERS } from './stripped-headers.js'
export { METHOD_OVERRIDE_QUERY_PARAMS } from './query-params.js'
export { identityHeaderRewriter } from './identity-headers.js'
export { unsafePathReason } from './path-safety.js'
export { listenOrExplain, PortInUseError } from './listen.js'
