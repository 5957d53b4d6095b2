// A protected Fastify service against a real loopback JWKS server, as the README's quick start builds it.
import Fastify, { type FastifyInstance } from 'fastify'
import { fastifyResourceServer, type ResourceServerOptions } from '../../src/index.js'
import { accessClaims, makeKey, NOW_S, sign, type TestKey } from './keys.js'
import { manualClock, startJwksServer, type JwksServer } from './jwks-server.js'

export interface Harness {
  app: FastifyInstance
  jwks: JwksServer
  key: TestKey
  clock: ReturnType<typeof manualClock>
  logs: Array<Record<string, unknown>>
  token: (claims?: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>
  close: () => Promise<void>
}

export async function harness (options: Partial<ResourceServerOptions> = {}, routes?: (app: FastifyInstance) => void): Promise<Harness> {
  const key = await makeKey('RS256')
  const jwks = await startJwksServer([key.jwk])
  const clock = manualClock(NOW_S * 1000 + 1000)
  const logs: Array<Record<string, unknown>> = []
  const app = Fastify({
    logger: {
      level: 'info',
      stream: { write: (line: string) => { logs.push(JSON.parse(line)) } }
    }
  })
  await app.register(fastifyResourceServer, { issuer: jwks.issuer, clientId: 'client-abc', clock: clock.now, ...options })
  if (routes !== undefined) {
    routes(app)
  } else {
    app.get('/transactions', { config: { auth: { scopes: ['transactions/get'] } } }, async (request) => ({ sub: request.auth?.sub, scopes: request.auth?.scopes }))
    app.post('/transactions', { config: { auth: { scopes: ['transactions/post'] } } }, async (request) => ({ created: true, by: request.auth?.clientId }))
  }
  await app.ready()
  return {
    app,
    jwks,
    key,
    clock,
    logs,
    token: async (claims = {}, header = {}) => await sign(key, accessClaims(jwks.issuer, claims), header),
    close: async () => { await app.close(); await jwks.close() }
  }
}

export function bearer (token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}
