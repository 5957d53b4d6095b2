/**
 * The example gateway and its upstream, importable for your own gateway or tests.
 *
 * @example
 * ```ts
 * import { buildGateway, loadGatewayConfig } from './example-gateway/index.js'
 * const gateway = await buildGateway({ config: loadGatewayConfig('routes.json'), auth: { userPoolId: 'eu-west-1_AbC123', clientId: null } })
 * ```
 */
export { buildGateway, type GatewayOptions } from './gateway.js'
export { loadGatewayConfig, resolveGatewayConfig, DEFAULT_IDENTITY_HEADERS, type GatewayConfig, type GatewayRoute, type ResolvedGatewayConfig, type IdentityHeaderNames } from './config.js'
export { buildTransactionsService, type Transaction } from './transactions-service.js'
export { unsafePathReason } from './path-safety.js'
export { identityHeaderRewriter } from './identity-headers.js'
