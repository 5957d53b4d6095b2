import t from 'tap'
import type { AddressInfo } from 'node:net'
import { buildGateway } from '../../example-gateway/gateway.js'
import { accessClaims, makeKey, NOW_S, sign } from '../helpers/keys.js'
import { manualClock, startJwksServer } from '../helpers/jwks-server.js'
import { rawRequest } from '../helpers/raw-http.js'
import { startRecordingUpstream } from '../helpers/recording-upstream.js'

async function stack (t: { teardown: (fn: () => Promise<void>) => void }, upstreamTimeoutMs = 2000) {
  const key = await makeKey()
  const jwks = await startJwksServer([key.jwk])
  const upstream = await startRecordingUpstream()
  const clock = manualClock(NOW_S * 1000 + 1000)
  const gateway = await buildGateway({
    config: {
      routes: [{ prefix: '/transactions', upstream: upstream.url, methods: { GET: ['transactions/get'], POST: ['transactions/post'] } }],
      upstreamTimeoutMs
    },
    auth: { issuer: jwks.issuer, clientId: ['client-abc'], clock: clock.now, jwksMaxAgeMs: 60_000 }
  })
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(async () => { await gateway.close(); await upstream.close(); await jwks.close() })
  const port = (gateway.server.address() as AddressInfo).port
  const token = async (claims: Record<string, unknown> = {}): Promise<string> => await sign(key, accessClaims(jwks.issuer, claims))
  const call = async (method: string, path: string, tk?: string, headers: Record<string, string> = {}, body?: string): Promise<Response> =>
    await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { ...(tk === undefined ? {} : { authorization: `Bearer ${tk}` }), ...headers }, body })
  return { gateway, upstream, jwks, clock, port, token, call }
}

t.test('GET and HEAD need transactions/get, POST needs transactions/post', async (t) => {
  const s = await stack(t)
  const readOnly = await s.token({ scope: 'transactions/get' })
  const writeOnly = await s.token({ scope: 'transactions/post' })
  t.equal((await s.call('GET', '/transactions', readOnly)).status, 200)
  t.equal((await s.call('GET', '/transactions/42', readOnly)).status, 200)
  t.equal((await s.call('HEAD', '/transactions', readOnly)).status, 200)
  t.equal((await s.call('HEAD', '/transactions', writeOnly)).status, 403)
  t.equal((await s.call('GET', '/transactions', writeOnly)).status, 403)
  const denied = await s.call('POST', '/transactions', readOnly, { 'content-type': 'application/json' }, '{}')
  t.equal(denied.status, 403)
  t.match(denied.headers.get('www-authenticate'), /error="insufficient_scope".*scope="transactions\/post"/)
  t.equal((await s.call('POST', '/transactions', writeOnly, { 'content-type': 'application/json' }, '{"amount":1}')).status, 200)
  t.equal((await s.call('GET', '/transactions')).status, 401)
  t.equal(s.upstream.received.filter((r) => r.url.startsWith('/transactions')).length, 4, 'only the allowed requests reached the upstream')
})

t.test('a method the route table does not list gets 405 with Allow', async (t) => {
  const s = await stack(t)
  const res = await s.call('DELETE', '/transactions/1', await s.token())
  t.equal(res.status, 405)
  t.equal(res.headers.get('allow'), 'GET, POST, HEAD')
  t.equal(s.upstream.received.length, 0)
})

t.test('an unknown path gets 404', async (t) => {
  const s = await stack(t)
  t.equal((await s.call('GET', '/admin', await s.token())).status, 404)
})

t.test('the verified identity is forwarded, and forged identity headers never reach the upstream', async (t) => {
  const s = await stack(t)
  const forged = {
    'X-Auth-Sub': 'admin',
    'x-auth-scopes': 'admin/all',
    'X-AUTH-CLIENT-ID': 'root',
    x_auth_sub: 'admin',
    X_Auth_Username: 'root',
    'x-auth-groups': 'admins',
    'x-auth-token-use': 'id',
    'X-HTTP-Method-Override': 'DELETE',
    'x-http-method': 'DELETE',
    'x-method-override': 'DELETE'
  }
  const res = await s.call('GET', '/transactions', await s.token({ username: 'alice', 'cognito:groups': ['a,b', 'ops'] }), forged)
  t.equal(res.status, 200)
  const rec = s.upstream.received[0]
  t.ok(rec)
  const seen = (rec?.rawHeaders ?? []).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replace(/_/g, '-'))
  for (const name of ['x-auth-sub', 'x-auth-scopes', 'x-auth-client-id', 'x-auth-username', 'x-auth-groups', 'x-auth-token-use']) {
    t.equal(seen.filter((n) => n === name).length, 1, `${name} arrives exactly once`)
  }
  t.notOk(seen.some((n) => n.includes('method')), 'no method override arrives')
  t.equal(rec?.headers['x-auth-sub'], 'client-abc')
  t.equal(rec?.headers['x-auth-scopes'], 'transactions/get transactions/post')
  t.equal(rec?.headers['x-auth-client-id'], 'client-abc')
  t.equal(rec?.headers['x-auth-username'], 'alice')
  t.equal(rec?.headers['x-auth-groups'], 'a%2Cb,ops')
  t.equal(rec?.headers['x-auth-token-use'], 'access')
  t.equal(rec?.method, 'GET')
  t.match(rec?.headers.authorization, /^Bearer /, 'the token goes on, so the upstream can verify it too')
})

t.test('path tricks sent as raw request lines are refused before routing', async (t) => {
  const s = await stack(t)
  const auth = { authorization: `Bearer ${await s.token()}` }
  const attacks = [
    '/transactions/../admin', '/transactions/%2e%2e/admin', '/transactions/%2E%2e/admin', '/transactions/.%2e/admin',
    '/transactions/..%2fadmin', '/transactions%2f..%2fadmin', '/transactions/%252e%252e/admin', '/transactions/%25252e%25252e/admin',
    '/transactions/..\\admin', '/transactions/%5c..%5cadmin', '/transactions/%00', '/transactions/a%00.json', '//transactions',
    '/transactions/./x', '/transactions/..;/admin', '/transactions//x', '/transactions/..', '/transactions/.', 'http://127.0.0.1/transactions',
    '/transactions?x=%00', '*'
  ]
  for (const path of attacks) {
    const res = await rawRequest(s.port, `GET ${path} HTTP/1.1`, auth)
    t.equal(res.status, 400, path)
  }
  t.equal(s.upstream.received.length, 0, 'nothing reached the upstream')
  t.equal((await rawRequest(s.port, 'GET /transactions/abc?q=1 HTTP/1.1', auth)).status, 200, 'a clean path still works')
})

t.test('several tokens at once are refused', async (t) => {
  const s = await stack(t)
  const tk = await s.token()
  const twoHeaders = await rawRequest(s.port, 'GET /transactions HTTP/1.1', { authorization: `Bearer ${tk}`, Authorization: `Bearer ${tk}` })
  t.equal(twoHeaders.status, 400)
  t.equal((await s.call('GET', `/transactions?access_token=${tk}`, tk)).status, 400)
})

t.test('an upstream that is down gives 502, one that is slow gives 504', async (t) => {
  const s = await stack(t, 200)
  s.upstream.handler = () => { /* never answers */ }
  const slow = await s.call('GET', '/transactions', await s.token())
  t.equal(slow.status, 504)
  t.same(await slow.json(), { statusCode: 504, code: 'ERR_UPSTREAM_TIMEOUT', error: 'Gateway Timeout', message: 'The upstream service did not answer in time.' })
  await s.upstream.close()
  const down = await s.call('GET', '/transactions', await s.token({ jti: 'x' }))
  t.equal(down.status, 502)
  const body = await down.json() as { code: string }
  t.equal(body.code, 'ERR_UPSTREAM_UNAVAILABLE')
  t.notOk(JSON.stringify(body).includes('at '), 'no stack trace')
})

t.test('with the issuer down and the cache warm, valid tokens still get 200', async (t) => {
  const s = await stack(t)
  t.equal((await s.call('GET', '/transactions', await s.token())).status, 200)
  await s.jwks.close()
  s.clock.advance(120_000)
  t.equal((await s.call('GET', '/transactions', await s.token({ jti: 'fresh' }))).status, 200)
})

t.test('a resolved route table is taken as it is, and the reserved refusal path refuses', async (t) => {
  const { resolveGatewayConfig } = await import('../../example-gateway/config.js')
  const key = await makeKey()
  const jwks = await startJwksServer([key.jwk])
  const gateway = await buildGateway({
    config: resolveGatewayConfig({ routes: [{ prefix: '/t', upstream: 'http://127.0.0.1:1', methods: { GET: [] } }] }),
    auth: { issuer: jwks.issuer, clientId: null }
  })
  t.teardown(async () => { await gateway.close(); await jwks.close() })
  const res = await gateway.inject('/__gateway/unsafe-path')
  t.equal(res.statusCode, 400)
  t.equal(res.json().message, 'Refused: the path is reserved.')
})
