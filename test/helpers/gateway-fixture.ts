// A gateway in front of a recording upstream, with its JWKS server and a token factory.
import type { AddressInfo } from 'node:net'
import type { FastifyServerOptions } from 'fastify'
import { buildGateway } from '../../src/gateway/gateway.js'
import type { GatewayConfig, GatewayRoute } from '../../src/gateway/config.js'
import type { ResourceServerOptions } from '../../src/index.js'
import { accessClaims, makeKey, NOW_S, sign } from './keys.js'
import { manualClock, startJwksServer, type JwksServer } from './jwks-server.js'
import { startRecordingUpstream } from './recording-upstream.js'

export const TX_METHODS = { GET: ['transactions/get'], POST: ['transactions/post'] }

export async function gatewayFixture (
  t: { teardown: (fn: () => Promise<void>) => void },
  { route, extraRoutes = [], ...config }: Partial<GatewayConfig> & { route?: Partial<GatewayRoute>, extraRoutes?: Array<Omit<GatewayRoute, 'upstream'>> } = {},
  auth: Partial<ResourceServerOptions> | ((jwks: JwksServer) => Partial<ResourceServerOptions>) = {},
  fastify: FastifyServerOptions = {}
) {
  const key = await makeKey()
  const jwks = await startJwksServer([key.jwk])
  const upstream = await startRecordingUpstream()
  const clock = manualClock(NOW_S * 1000 + 1000)
  const gateway = await buildGateway({
    config: { routes: [{ prefix: '/transactions', upstream: upstream.url, methods: TX_METHODS, ...route }, ...extraRoutes.map((extra) => ({ ...extra, upstream: upstream.url }))], upstreamTimeoutMs: 2000, ...config },
    auth: { issuer: jwks.issuer, clientId: ['client-abc'], clock: clock.now, jwksMaxAgeMs: 60_000, ...(typeof auth === 'function' ? auth(jwks) : auth) },
    fastify
  })
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(async () => { await gateway.close(); await upstream.close(); await jwks.close() })
  const port = (gateway.server.address() as AddressInfo).port
  const token = async (claims: Record<string, unknown> = {}): Promise<string> => await sign(key, accessClaims(jwks.issuer, claims))
  const call = async (method: string, path: string, tk?: string, headers: Record<string, string> = {}, body?: string): Promise<Response> =>
    await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { ...(tk === undefined ? {} : { authorization: `Bearer ${tk}` }), ...headers }, body })
  return { gateway, upstream, jwks, clock, port, token, call }
}
