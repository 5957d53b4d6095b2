/**
 * The example: the demo stack (issuer, transactions service, gateway) built on
 * `fastify-resource-server/gateway`, importable for your own tests.
 *
 * @example
 * ```ts
 * import { startDemoStack } from './example-gateway/index.js'
 * const stack = await startDemoStack({ issuerPort: 0, upstreamPort: 0, gatewayPort: 0 })
 * ```
 */
export { buildTransactionsService, type Transaction } from './transactions-service.js'
export { startDemoStack, type DemoStack, type DemoClient, type StackOptions } from './stack.js'
