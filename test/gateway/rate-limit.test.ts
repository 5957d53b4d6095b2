import t from 'tap'
import { buildGateway } from '../../src/gateway/gateway.js'
import { rawRequest } from '../helpers/raw-http.js'
import { gatewayFixture } from '../helpers/gateway-fixture.js'
import { startJwksServer } from '../helpers/jwks-server.js'

const JSON_BODY = { 'content-type': 'application/json' }

t.test('each client has its own count per route and method; over it, 429 with Retry-After and RateLimit fields', async (t) => {
  const s = await gatewayFixture(t, { route: { rateLimit: { GET: { max: 2, windowMs: 60_000 } } }, rateLimit: { perClient: { max: 100, windowMs: 60_000 } } }, { clientId: null })
  const alice = await s.token({ client_id: 'alice' })
  const first = await s.call('GET', '/transactions', alice)
  t.equal(first.status, 200)
  t.same([first.headers.get('ratelimit-limit'), first.headers.get('ratelimit-remaining'), first.headers.get('ratelimit-reset')], ['2', '1', '60'])
  const head = await s.call('HEAD', '/transactions', alice)
  t.equal(head.status, 200)
  t.equal(head.headers.get('ratelimit-remaining'), '0', 'HEAD follows GET\'s rule and shares its count')
  const over = await s.call('GET', '/transactions/1', alice)
  t.equal(over.status, 429)
  t.equal(over.headers.get('retry-after'), '60')
  t.equal(over.headers.get('ratelimit-remaining'), '0')
  t.same(await over.json(), { statusCode: 429, code: 'ERR_RATE_LIMITED', error: 'Too Many Requests', message: 'Rate limit exceeded; retry in 60 s.' })
  t.equal((await s.call('GET', '/transactions', await s.token({ client_id: 'bob' }))).status, 200, 'another client is not affected')
  const post = await s.call('POST', '/transactions', alice, JSON_BODY, '{}')
  t.equal(post.status, 200, 'POST counts apart from GET')
  t.equal(post.headers.get('ratelimit-limit'), '100', 'POST takes perClient')
  t.equal(s.upstream.received.length, 4, 'the refused request never reached the upstream')
})

t.test('a HEAD with a rule of its own has a count of its own', async (t) => {
  const s = await gatewayFixture(t, { route: { methods: { GET: ['transactions/get'], HEAD: ['transactions/get'] }, rateLimit: { GET: { max: 1, windowMs: 60_000 }, HEAD: { max: 1, windowMs: 60_000 } } } })
  const tk = await s.token()
  t.equal((await s.call('GET', '/transactions', tk)).status, 200)
  t.equal((await s.call('HEAD', '/transactions', tk)).status, 200)
  t.equal((await s.call('HEAD', '/transactions', tk)).status, 429)
})

t.test('one issuer\'s client never spends another issuer\'s client of the same name', async (t) => {
  const s = await gatewayFixture(t, { rateLimit: { perClient: { max: 1, windowMs: 60_000 } } }, (jwks) => ({
    issuer: undefined,
    issuers: [{ issuer: jwks.issuer, jwksUri: jwks.jwksUri }, { issuer: `${jwks.issuer}-other`, jwksUri: jwks.jwksUri }]
  }))
  const ours = await s.token()
  t.equal((await s.call('GET', '/transactions', ours)).status, 200)
  t.equal((await s.call('GET', '/transactions', ours)).status, 429)
  const other = await s.token({ iss: `${s.jwks.issuer}-other` })
  t.equal((await s.call('GET', '/transactions', other)).status, 200, 'the same client_id from the other issuer has its own count')
})

t.test('the key is the verified client_id, or sub without one; a forged client header changes nothing', async (t) => {
  const s = await gatewayFixture(t, { rateLimit: { perClient: { max: 1, windowMs: 60_000 } } }, { clientId: null })
  const noClient = await s.token({ client_id: undefined, sub: 'user-1', scope: 'transactions/get' })
  t.equal((await s.call('GET', '/transactions', noClient)).status, 200)
  t.equal((await s.call('GET', '/transactions', noClient, { 'x-auth-client-id': 'someone-else' })).status, 429)
  t.equal((await s.call('GET', '/transactions', await s.token({ client_id: undefined, sub: 'user-2' }))).status, 200)
})

t.test('an insufficient_scope refusal counts against the client', async (t) => {
  const s = await gatewayFixture(t, { route: { rateLimit: { POST: { max: 1, windowMs: 60_000 } } } })
  const readOnly = await s.token({ scope: 'transactions/get' })
  t.equal((await s.call('POST', '/transactions', readOnly, JSON_BODY, '{}')).status, 403)
  t.equal((await s.call('POST', '/transactions', readOnly, JSON_BODY, '{}')).status, 429)
  t.equal((await s.call('GET', '/transactions', readOnly)).status, 200, 'GET has no limit here')
})

t.test('refusals without a valid token count against the address, and turn into 429 over the limit', async (t) => {
  const s = await gatewayFixture(t, { rateLimit: { unauthenticated: { max: 2, windowMs: 60_000 } } })
  const none = await s.call('GET', '/transactions')
  t.equal(none.status, 401)
  t.equal(none.headers.get('ratelimit-remaining'), '1')
  t.equal((await s.call('GET', '/transactions', 'not-a-token')).status, 401)
  const over = await s.call('GET', '/transactions', 'forged.token.here')
  t.equal(over.status, 429)
  t.equal(over.headers.get('retry-after'), '60')
  t.equal(over.headers.get('www-authenticate'), null)
  t.equal((await over.json() as { code: string }).code, 'ERR_RATE_LIMITED')
  t.equal((await rawRequest(s.port, 'GET /transactions/../x HTTP/1.1')).status, 429, 'a refused path trick counts too')
  const valid = await s.call('GET', '/transactions', await s.token())
  t.equal(valid.status, 200, 'a valid token is counted by client, not by address')
  t.equal(valid.headers.get('ratelimit-limit'), null, 'no per-client rule here')
  t.equal(s.upstream.received.length, 1)
})

t.test('a refusal whose client left no address is counted, not taken for a store failure', async (t) => {
  const jwks = await startJwksServer()
  const logs: string[] = []
  const gateway = await buildGateway({
    config: { routes: [{ prefix: '/t', upstream: 'http://127.0.0.1:1', methods: { GET: [] } }], rateLimit: { unauthenticated: { max: 5, windowMs: 60_000 } } },
    auth: { issuer: jwks.issuer, clientId: null },
    fastify: { logger: { level: 'info', stream: { write: (line: string) => { logs.push(line) } } } }
  })
  t.teardown(async () => { await gateway.close(); await jwks.close() })
  // What a client that hung up at once looks like: its socket has no remote address any more, so
  // request.ip is undefined (here for every request of this instance, through its Request class).
  const requestClass = Object.getOwnPropertySymbols(gateway).find((s) => s.description === 'fastify.Request') as symbol
  Object.defineProperty((gateway as any)[requestClass].prototype, 'ip', { get: () => undefined })
  const res = await gateway.inject('/t')
  t.equal(res.statusCode, 401)
  t.equal(res.headers['ratelimit-remaining'], '4')
  t.notOk(logs.some((line) => line.includes('unreachable')), 'no store failure is logged')
})

t.test('behind a trusted proxy, refusals count against the forwarded client address', async (t) => {
  const behind = await gatewayFixture(t, { rateLimit: { unauthenticated: { max: 1, windowMs: 60_000 } }, trustProxy: ['loopback'] })
  t.equal((await behind.call('GET', '/transactions', undefined, { 'x-forwarded-for': '203.0.113.7' })).status, 401)
  t.equal((await behind.call('GET', '/transactions', undefined, { 'x-forwarded-for': '203.0.113.8' })).status, 401, 'another client behind the same proxy')
  t.equal((await behind.call('GET', '/transactions', undefined, { 'x-forwarded-for': '203.0.113.7' })).status, 429)
  const named = await gatewayFixture(t, { rateLimit: { unauthenticated: { max: 1, windowMs: 60_000 } }, trustProxy: '127.0.0.1' })
  t.equal((await named.call('GET', '/transactions', undefined, { 'x-forwarded-for': '203.0.113.7' })).status, 401)
  t.equal((await named.call('GET', '/transactions', undefined, { 'x-forwarded-for': '203.0.113.8' })).status, 401, 'the proxy named by its address')
  const hops = await gatewayFixture(t, { rateLimit: { unauthenticated: { max: 1, windowMs: 60_000 } }, trustProxy: 1 })
  t.equal((await hops.call('GET', '/transactions', undefined, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' })).status, 401)
  t.equal((await hops.call('GET', '/transactions', undefined, { 'x-forwarded-for': '203.0.113.8' })).status, 401, 'one hop trusted: the last forwarded address counts')
  t.equal((await hops.call('GET', '/transactions', undefined, { 'x-forwarded-for': '198.51.100.2, 203.0.113.7' })).status, 429, 'what the client itself wrote further left is not believed')
  const direct = await gatewayFixture(t, { rateLimit: { unauthenticated: { max: 1, windowMs: 60_000 } } })
  t.equal((await direct.call('GET', '/transactions', undefined, { 'x-forwarded-for': '203.0.113.7' })).status, 401)
  t.equal((await direct.call('GET', '/transactions', undefined, { 'x-forwarded-for': '203.0.113.8' })).status, 429, 'untrusted, X-Forwarded-For is ignored')
})

t.test('without a rateLimit section nothing is limited', async (t) => {
  const s = await gatewayFixture(t)
  const tk = await s.token()
  for (let i = 0; i < 5; i++) t.equal((await s.call('GET', '/transactions', tk)).headers.get('ratelimit-limit'), null)
})
