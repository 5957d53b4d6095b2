import { createServer, type AddressInfo } from 'node:net'
import t from 'tap'
import { buildGateway } from '../../src/gateway/gateway.js'
import { decodeIdentityList, decodeIdentityValue } from '../../src/gateway/header-values.js'
import { makeKey } from '../helpers/keys.js'
import { startJwksServer } from '../helpers/jwks-server.js'
import { rawRequest } from '../helpers/raw-http.js'
import { gatewayFixture } from '../helpers/gateway-fixture.js'

async function stack (t: Parameters<typeof gatewayFixture>[0], upstreamTimeoutMs = 2000) {
  return await gatewayFixture(t, { upstreamTimeoutMs })
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
    X_Auth_Issuer: 'https://evil.example',
    'X-HTTP-Method-Override': 'DELETE',
    'x-http-method': 'DELETE',
    'x-method-override': 'DELETE'
  }
  const res = await s.call('GET', '/transactions', await s.token({ username: 'alice', 'cognito:groups': ['a,b', 'ops'] }), forged)
  t.equal(res.status, 200)
  const rec = s.upstream.received[0]
  t.ok(rec)
  const seen = (rec?.rawHeaders ?? []).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replace(/_/g, '-'))
  for (const name of ['x-auth-sub', 'x-auth-scopes', 'x-auth-client-id', 'x-auth-username', 'x-auth-groups', 'x-auth-token-use', 'x-auth-issuer']) {
    t.equal(seen.filter((n) => n === name).length, 1, `${name} arrives exactly once`)
  }
  t.notOk(seen.some((n) => n.includes('method')), 'no method override arrives')
  t.equal(rec?.headers['x-auth-sub'], 'client-abc')
  t.equal(rec?.headers['x-auth-scopes'], 'transactions/get,transactions/post')
  t.equal(rec?.headers['x-auth-client-id'], 'client-abc')
  t.equal(rec?.headers['x-auth-username'], 'alice')
  t.equal(rec?.headers['x-auth-groups'], 'a%2Cb,ops')
  t.equal(rec?.headers['x-auth-token-use'], 'access')
  t.equal(rec?.headers['x-auth-issuer'], s.jwks.issuer, 'the issuer the token was matched to')
  t.equal(rec?.method, 'GET')
  t.match(rec?.headers.authorization, /^Bearer /, 'the token goes on, so the upstream can verify it too')
})

t.test('hop-by-hop and path-override headers never reach the upstream, and never make a 502', async (t) => {
  const s = await stack(t)
  const auth = { authorization: `Bearer ${await s.token()}` }
  const sent = { Expect: '100-continue', 'Keep-Alive': 'timeout=5', Upgrade: 'foo/1', 'Proxy-Connection': 'keep-alive', TE: 'trailers', 'X-Original-URL': '/admin', X_Rewrite_URL: '/admin' }
  for (const [name, value] of Object.entries(sent)) {
    const res = await rawRequest(s.port, 'GET /transactions HTTP/1.1', { ...auth, [name]: value })
    t.equal(res.status, 200, name)
  }
  t.equal(s.upstream.received.length, 7, 'each request reached the upstream')
  const seen = new Set(s.upstream.received.flatMap((r) => r.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replace(/_/g, '-'))))
  for (const name of ['expect', 'keep-alive', 'upgrade', 'proxy-connection', 'te', 'x-original-url', 'x-rewrite-url']) t.notOk(seen.has(name), `${name} is dropped`)
})

t.test('the upstream learns the client address, host and scheme from the gateway, not from the client', async (t) => {
  const s = await stack(t)
  const forged = { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https', Forwarded: 'for=6.6.6.6', 'X-Real-IP': '6.6.6.6', 'True-Client-IP': '6.6.6.6' }
  t.equal((await s.call('GET', '/transactions', await s.token(), forged)).status, 200)
  const rec = s.upstream.received[0]
  t.equal(rec?.headers['x-forwarded-for'], '127.0.0.1')
  t.equal(rec?.headers['x-forwarded-host'], `127.0.0.1:${s.port}`)
  t.equal(rec?.headers['x-forwarded-proto'], 'http')
  for (const name of ['forwarded', 'x-real-ip', 'true-client-ip']) t.equal(rec?.headers[name], undefined, `${name} is dropped`)
  const behind = await gatewayFixture(t, { trustProxy: ['loopback'] })
  t.equal((await behind.call('GET', '/transactions', await behind.token(), { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' })).status, 200)
  t.equal(behind.upstream.received[0]?.headers['x-forwarded-for'], '203.0.113.7', 'behind a trusted proxy: the address it reported')
  t.equal(behind.upstream.received[0]?.headers['x-forwarded-proto'], 'https')
})

t.test('path tricks sent as raw request lines are refused before routing', async (t) => {
  const s = await stack(t)
  const auth = { authorization: `Bearer ${await s.token()}` }
  const attacks = [
    '/transactions/../admin', '/transactions/%2e%2e/admin', '/transactions/%2E%2e/admin', '/transactions/.%2e/admin',
    '/transactions/..%2fadmin', '/transactions%2f..%2fadmin', '/transactions/%252e%252e/admin', '/transactions/%25252e%25252e/admin',
    '/transactions/..\\admin', '/transactions/%5c..%5cadmin', '/transactions/%00', '/transactions/a%00.json', '//transactions',
    '/transactions/./x', '/transactions/..;/admin', '/transactions//x', '/transactions/..', '/transactions/.', 'http://127.0.0.1/transactions',
    '/transactions?x=%00', '*', '/transactions/.../x', '/transactions/x;../y', '/transactions/x../y', '/transactions/..x/y', '/transactions/a#/b'
  ]
  for (const path of attacks) {
    const res = await rawRequest(s.port, `GET ${path} HTTP/1.1`, auth)
    t.equal(res.status, 400, path)
    // The gateway's own refusal, with its code, never the proxy's bare 400 (or Fastify's for a bad request line).
    if (path !== '*' && !path.startsWith('http:')) t.equal(JSON.parse(res.body).code, 'ERR_UNSAFE_PATH', path)
  }
  t.equal(s.upstream.received.length, 0, 'nothing reached the upstream')
  t.equal((await rawRequest(s.port, 'GET /transactions/abc?q=1 HTTP/1.1', auth)).status, 200, 'a clean path still works')
})

t.test('a path an upstream may read as under a nested prefix is refused, not authorised with the outer prefix', async (t) => {
  const s = await gatewayFixture(t, { extraRoutes: [{ prefix: '/transactions/admin', methods: { GET: ['transactions/admin'] } }] })
  const readOnly = await s.token({ scope: 'transactions/get' })
  for (const path of ['/transactions/ADMIN/users', '/transactions/admin;x/users', '/transactions/admin./users', '/transactions/admin%20/users', '/transactions/Admin']) {
    const res = await s.call('GET', path, readOnly)
    t.equal(res.status, 400, path)
    t.equal(((await res.json()) as { code: string }).code, 'ERR_UNSAFE_PATH', path)
  }
  t.equal(s.upstream.received.length, 0, 'nothing reached the upstream')
  t.equal((await s.call('GET', '/transactions/admin/users', readOnly)).status, 403, 'the nested prefix itself wants its own scope')
  t.equal((await s.call('GET', '/transactions/%61dmin/users', readOnly)).status, 403, 'so does an encoded letter, which the router decodes')
  t.equal((await s.call('GET', '/transactions/administrators', readOnly)).status, 200, 'a longer name is no nested prefix')
  t.equal((await s.call('GET', '/transactions/42', readOnly)).status, 200)
})

t.test('a gateway that fails to build closes what it opened, such as its Redis connection', async (t) => {
  const { resolveGatewayConfig } = await import('../../src/gateway/config.js')
  // A "Redis" that hangs up at once, so the client keeps reconnecting until it is closed.
  let connections = 0
  const redis = createServer((socket) => { connections++; socket.destroy() })
  await new Promise<void>((resolve) => redis.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { redis.close() })
  const config = resolveGatewayConfig({
    routes: [{ prefix: '/t', upstream: 'http://127.0.0.1:1', methods: { GET: [] } }],
    rateLimit: { redisUrl: `redis://127.0.0.1:${(redis.address() as AddressInfo).port}`, perClient: { max: 10, windowMs: 1000 } }
  })
  // A resolved configuration skips validation: a bad scope fails only once Redis is connected.
  ;(config.routes[0]?.methods as Map<string, readonly string[]>).set('GET', ['not a scope'])
  const key = await makeKey()
  const jwks = await startJwksServer([key.jwk])
  t.teardown(() => jwks.close())
  await t.rejects(buildGateway({ config, auth: { issuer: jwks.issuer, clientId: null } }), { name: 'TypeError' })
  const after = connections
  t.ok(after >= 1, 'it did connect')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(connections, after, 'and no longer tries to')
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
  const { resolveGatewayConfig } = await import('../../src/gateway/config.js')
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

t.test('well-known identity headers, in any case and with _ for -, never reach the upstream', async (t) => {
  const s = await gatewayFixture(t, { stripHeaders: { names: ['X-Tenant'], prefixes: ['x-internal-'] } })
  const forged = [
    'X-Forwarded-User', 'x_forwarded_user', 'X-FORWARDED-EMAIL', 'X_Forwarded_Preferred_Username', 'x-forwarded-groups', 'X-Forwarded-Access-Token',
    'X-Auth-Request-User', 'x_auth_request_email', 'X-AUTH-REQUEST-GROUPS', 'X-Auth-Request-Access-Token',
    'X-Amzn-Oidc-Identity', 'x_amzn_oidc_data', 'X-AMZN-OIDC-ACCESSTOKEN',
    'X-Remote-User', 'x_remote_user', 'Remote-User', 'REMOTE_USER', 'X-Remote-Group', 'X-Remote-Extra-Scopes',
    'GAP-Auth', 'X-User', 'X-Email',
    'X-Consumer-Username', 'X_Authenticated_Userid', 'X-Userinfo', 'X-MS-CLIENT-PRINCIPAL-NAME', 'x-ms-client-principal',
    'X-Goog-Authenticated-User-Email', 'Cf-Access-Authenticated-User-Email', 'X-Pomerium-Claim-Email',
    'X-Forwarded-Client-Cert', 'X-SSL-Client-Verify', 'X-Forwarded-Ssl', 'Client-IP', 'CF-Connecting-IP', 'X-Envoy-Internal',
    'X-Auth-Sub', 'x_auth_scopes', 'X-Http-Method-Override', 'X_HTTP_METHOD',
    'x-tenant', 'X_TENANT', 'X-Internal-Role', 'x_internal_role'
  ]
  const headers: Record<string, string> = { authorization: `Bearer ${await s.token()}` }
  for (const name of forged) headers[name] = 'admin'
  const res = await rawRequest(s.port, 'GET /transactions HTTP/1.1', headers)
  t.equal(res.status, 200)
  const rec = s.upstream.received[0]
  const names = (rec?.rawHeaders ?? []).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replaceAll('_', '-'))
  for (const name of forged) {
    const canonical = name.toLowerCase().replaceAll('_', '-')
    const own = canonical === 'x-auth-sub' || canonical === 'x-auth-scopes'
    t.equal(names.filter((n) => n === canonical).length, own ? 1 : 0, `${name} ${own ? 'is the gateway\'s own value only' : 'is stripped'}`)
  }
  t.equal(rec?.headers['x-auth-sub'], 'client-abc')
  t.notOk(Object.values(rec?.headers ?? {}).includes('admin'), 'no forged value arrives under any name')
})

t.test('claims with CR, LF, commas, %, spaces and non-ASCII reach the upstream unambiguously', async (t) => {
  const s = await gatewayFixture(t, {}, { clientId: null })
  // Scopes are RFC 6749 §3.3 scope-tokens (the verifier refuses any other character), which still
  // allows commas and percent signs; the other claims may hold anything.
  const scopes = ['transactions/get', 'x,transactions/post', '100%25', 'a', 'b']
  const groups = ['a,b', 'ops', '%2C', 'zoë', '\ud800', '', 'tab\there', 'line\r\nx-injected: 1']
  const claims = { scope: scopes.join(' '), 'cognito:groups': groups, sub: 'sub\r\nx: 1', username: 'zoë, %41', client_id: 'client,1\n' }
  for (const scope of ['line\r\nx-injected: 1', 'é', 'say"hi"', 'back\\slash']) {
    const refused = await s.call('GET', '/transactions', await s.token({ ...claims, scope: `transactions/get ${scope}` }))
    t.equal(refused.status, 401, `a scope with ${JSON.stringify(scope)} makes the token invalid, never a 5xx`)
  }
  const res = await s.call('GET', '/transactions', await s.token(claims))
  t.equal(res.status, 200)
  const rec = s.upstream.received[0]
  const sent = scopes.flatMap((scope) => scope.split(' '))
  t.same(decodeIdentityList(rec?.headers['x-auth-scopes']), sent, 'every scope comes back as it was, none split or merged')
  t.notOk(decodeIdentityList(rec?.headers['x-auth-scopes']).includes('transactions/post'), 'a comma inside a scope grants nothing')
  t.same(decodeIdentityList(rec?.headers['x-auth-groups']), ['a,b', 'ops', '%2C', 'zoë', '\ufffd', 'tab\there', 'line\r\nx-injected: 1'])
  t.equal(decodeIdentityValue(rec?.headers['x-auth-sub']), 'sub\r\nx: 1')
  t.equal(decodeIdentityValue(rec?.headers['x-auth-username']), 'zoë, %41')
  t.equal(decodeIdentityValue(rec?.headers['x-auth-client-id']), 'client,1\n')
  t.notOk('x-injected' in (rec?.headers ?? {}), 'no header was injected')
  for (const value of Object.values(rec?.headers ?? {})) t.match(value, /^[\x20-\x7E]*$/, 'every value is visible ASCII')
})

t.test('_method and the configured query parameters never reach the upstream', async (t) => {
  const s = await gatewayFixture(t, { stripQueryParams: ['debug'] })
  const tk = await s.token()
  t.equal((await s.call('GET', '/transactions?a=1&_method=DELETE&%5Fmethod=PUT&_METHOD=PATCH&b=%20x;_method=DELETE&DEBUG=1&x-http-method-override=DELETE&c', tk)).status, 200)
  t.equal((await s.call('GET', '/transactions?_method=DELETE', tk)).status, 200)
  t.equal((await s.call('GET', '/transactions', tk)).status, 200)
  t.same(s.upstream.received.map((r) => r.url), ['/transactions?a=1&c', '/transactions', '/transactions'])
  t.ok(s.upstream.received.every((r) => r.method === 'GET'))
})

t.test('the verifier options may come from the configuration, and a mistake there is named under auth', async (t) => {
  const key = await makeKey()
  const jwks = await startJwksServer([key.jwk])
  t.teardown(async () => { await jwks.close() })
  const routes = [{ prefix: '/t', upstream: 'http://127.0.0.1:1', methods: { GET: [] } }]
  const gateway = await buildGateway({ config: { routes, auth: { issuer: jwks.issuer, clientId: null } } })
  t.equal((await gateway.inject('/t')).statusCode, 401)
  await gateway.close()
  await t.rejects(buildGateway({ config: { routes } }), { name: 'TypeError', option: 'auth' })
  await t.rejects(buildGateway({ config: { routes, auth: { issuer: jwks.issuer } } }), { name: 'TypeError', option: 'auth.clientId' })
  await t.rejects(buildGateway({ config: { routes }, auth: { issuer: jwks.issuer } }), { name: 'TypeError', option: 'clientId' })
})
