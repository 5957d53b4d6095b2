// Our own verifier and plugin accept the issuer's tokens: the whole flow on one machine.
import Fastify from 'fastify'
import t from 'tap'
import { fastifyResourceServer } from '../../src/fastify/plugin.js'
import { TokenVerifier } from '../../src/verifier/verifier.js'
import { CLIENTS, getToken, startIssuer } from '../helpers/issuer-fixtures.js'

t.test('TokenVerifier accepts the tokens with issuer, clientId and tokenUse access', async (t) => {
  const app = await startIssuer(t)
  const verifier = new TokenVerifier({ issuer: app.issuer.urls.issuer, clientId: CLIENTS.poster.clientId, tokenUse: 'access' })
  const token = await verifier.verify(await getToken(app, CLIENTS.poster))
  t.match(token, { sub: CLIENTS.poster.clientId, clientId: CLIENTS.poster.clientId, tokenUse: 'access', scopes: ['transactions/post'], alg: 'RS256' })
})

for (const algorithm of ['PS256', 'ES256', 'EdDSA'] as const) {
  t.test(`TokenVerifier accepts ${algorithm} tokens when told to`, async (t) => {
    const app = await startIssuer(t, { algorithm })
    const verifier = new TokenVerifier({ issuer: app.issuer.urls.issuer, clientId: CLIENTS.poster.clientId, algorithms: [algorithm] })
    t.equal((await verifier.verify(await getToken(app, CLIENTS.poster))).alg, algorithm)
  })
}

t.test('TokenVerifier refuses a token issued to another client', async (t) => {
  const app = await startIssuer(t)
  const verifier = new TokenVerifier({ issuer: app.issuer.urls.issuer, clientId: CLIENTS.reader.clientId })
  await t.rejects(verifier.verify(await getToken(app, CLIENTS.poster)), { code: 'ERR_CLIENT_ID_MISMATCH' })
})

t.test('a protected service with our plugin serves the client its scope allows, and no more', async (t) => {
  const issuer = await startIssuer(t)
  const service = Fastify()
  await service.register(fastifyResourceServer, { issuer: issuer.issuer.urls.issuer, clientId: [CLIENTS.poster.clientId, CLIENTS.reader.clientId] })
  service.post('/transactions', { config: { auth: { scopes: ['transactions/post'] } } }, async (request) => ({ by: request.auth?.clientId }))
  service.get('/transactions', { config: { auth: { scopes: ['transactions/get'] } } }, async () => ({ transactions: [] }))
  await service.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => service.close())
  const { port } = service.server.address() as { port: number }

  const token = await getToken(issuer, CLIENTS.poster, 'transactions/post')
  const post = await fetch(`http://127.0.0.1:${port}/transactions`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
  t.equal(post.status, 200)
  t.same(await post.json(), { by: CLIENTS.poster.clientId })
  const get = await fetch(`http://127.0.0.1:${port}/transactions`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(get.status, 403)
  t.match(get.headers.get('www-authenticate'), /insufficient_scope/)
})
