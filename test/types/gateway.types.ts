// Compile-only type tests of fastify-resource-server/gateway: `npm run typecheck` fails if the public types drift. Never executed.
import type { FastifyInstance } from 'fastify'
import {
  buildGateway, decodeIdentityList, decodeIdentityValue, loadGatewayConfig,
  type GatewayConfig, type RateLimitConfig, type ResolvedGatewayConfig
} from '../../src/gateway/index.js'

const rateLimit: RateLimitConfig = { perClient: { max: 100, windowMs: 60_000 }, redisUrl: 'redis://127.0.0.1:6379', onStoreError: 'closed' }
const config: GatewayConfig = {
  routes: [{ prefix: '/t', upstream: 'http://127.0.0.1:9001', methods: { GET: ['t/get'] }, rateLimit: { GET: { max: 5, windowMs: 1000 } } }],
  rateLimit,
  auth: { userPoolId: 'eu-west-1_AbC123', clientId: null },
  stripHeaders: { names: ['x-tenant'], prefixes: ['x-internal-'] },
  stripQueryParams: ['debug'],
  listen: { port: 8080 },
  logLevel: 'warn'
}
const resolved: ResolvedGatewayConfig = loadGatewayConfig('gateway.json')
const app: Promise<FastifyInstance> = buildGateway({ config: resolved.routes.length > 0 ? resolved : config })
const scopes: string[] = decodeIdentityList(['a,b'])
const sub: string | undefined = decodeIdentityValue('x')

// @ts-expect-error onStoreError is 'open' or 'closed'
const wrong: RateLimitConfig = { onStoreError: 'maybe' }
void app; void scopes; void sub; void wrong
