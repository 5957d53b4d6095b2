import { createServer, type Server } from 'node:http'
import t, { type Test } from 'tap'
import { issuerUrls } from '../../../src/issuer/endpoints/issuer-url.js'

async function listening (t: Test, host: string): Promise<Server> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return server
}

t.test('builds the URLs from the listening address and port', async (t) => {
  const server = await listening(t, '127.0.0.1')
  const port = (server.address() as { port: number }).port
  t.same(issuerUrls(server, 'local-1_X', undefined), {
    issuer: `http://127.0.0.1:${port}/local-1_X`,
    jwksUri: `http://127.0.0.1:${port}/local-1_X/.well-known/jwks.json`,
    tokenEndpoint: `http://127.0.0.1:${port}/oauth2/token`,
    discoveryUrl: `http://127.0.0.1:${port}/local-1_X/.well-known/openid-configuration`,
    authorizationEndpoint: `http://127.0.0.1:${port}/oauth2/authorize`,
    userInfoEndpoint: `http://127.0.0.1:${port}/oauth2/userInfo`,
    revocationEndpoint: `http://127.0.0.1:${port}/oauth2/revoke`,
    logoutEndpoint: `http://127.0.0.1:${port}/logout`,
    loginPage: `http://127.0.0.1:${port}/login`
  })
})

t.test('uses 127.0.0.1 when listening on every interface', async (t) => {
  const server = await listening(t, '0.0.0.0')
  t.match(issuerUrls(server, 'local-1_X', undefined).issuer, /^http:\/\/127\.0\.0\.1:\d+\/local-1_X$/)
})

t.test('puts IPv6 addresses in brackets', async (t) => {
  const server = createServer()
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(0, '::1', () => resolve(true))
  })
  if (!ok) {
    t.comment('no IPv6 loopback on this machine')
    return
  }
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  t.match(issuerUrls(server, 'local-1_X', undefined).issuer, /^http:\/\/\[::1\]:\d+\/local-1_X$/)
})

t.test('uses the explicit issuer URL as given, the token endpoint beside the pool', async (t) => {
  t.same(issuerUrls(createServer(), 'local-1_X', new URL('https://auth.example.com/tenants/local-1_X')), {
    issuer: 'https://auth.example.com/tenants/local-1_X',
    jwksUri: 'https://auth.example.com/tenants/local-1_X/.well-known/jwks.json',
    tokenEndpoint: 'https://auth.example.com/tenants/oauth2/token',
    discoveryUrl: 'https://auth.example.com/tenants/local-1_X/.well-known/openid-configuration',
    authorizationEndpoint: 'https://auth.example.com/tenants/oauth2/authorize',
    userInfoEndpoint: 'https://auth.example.com/tenants/oauth2/userInfo',
    revocationEndpoint: 'https://auth.example.com/tenants/oauth2/revoke',
    logoutEndpoint: 'https://auth.example.com/tenants/logout',
    loginPage: 'https://auth.example.com/tenants/login'
  })
})

t.test('refuses to guess before the server listens', async (t) => {
  t.throws(() => issuerUrls(createServer(), 'local-1_X', undefined), { code: 'ERR_ISSUER_NOT_LISTENING', name: 'IssuerNotListeningError' })
})
