import t from 'tap'
import { loadGatewayConfig, resolveGatewayConfig, type GatewayConfig } from '../../src/gateway/config.js'

const route = { prefix: '/transactions', upstream: 'http://127.0.0.1:9001/', methods: { GET: ['transactions/get'], POST: ['transactions/post'] } }

t.test('a route table resolves with defaults, HEAD following GET', async (t) => {
  const c = resolveGatewayConfig({ routes: [route] })
  t.equal(c.routes[0]?.upstream, 'http://127.0.0.1:9001')
  t.same(c.routes[0]?.methods.get('HEAD'), ['transactions/get'])
  t.equal(c.identityHeaders.sub, 'x-auth-sub')
  t.equal(c.upstreamTimeoutMs, 10_000)
  const own = resolveGatewayConfig({ routes: [{ ...route, methods: { GET: ['a/b'], HEAD: [] } }], identityHeaders: { sub: 'x-user' } })
  t.same(own.routes[0]?.methods.get('HEAD'), [])
  t.equal(own.identityHeaders.sub, 'x-user')
  t.same(c.listen, { port: 8080, host: '127.0.0.1' })
  t.equal(c.logLevel, 'info')
  t.equal(c.rateLimit, undefined)
  t.same(c.stripHeaders, { names: [], prefixes: [] })
})

t.test('each method keeps its own frozen copy of the scopes: changing the given array later changes nothing', async (t) => {
  const methods = { GET: ['transactions/get'], POST: ['transactions/post'] }
  const c = resolveGatewayConfig({ routes: [{ ...route, methods }] })
  methods.POST.splice(0)
  t.same(c.routes[0]?.methods.get('POST'), ['transactions/post'])
  t.ok(Object.isFrozen(c.routes[0]?.methods.get('POST')))
})

t.test('rate limits resolve per route and method: HEAD follows GET, the rest take perClient', async (t) => {
  const perClient = { max: 100, windowMs: 60_000 }
  const c = resolveGatewayConfig({
    routes: [{ ...route, rateLimit: { GET: { max: 5, windowMs: 1000 } } }, { ...route, prefix: '/other', methods: { PUT: [] } }],
    rateLimit: { perClient, unauthenticated: { max: 10, windowMs: 60_000 }, redisUrl: 'redis://127.0.0.1:6379/0', onStoreError: 'closed' }
  })
  t.same([...(c.routes[0]?.rateLimits ?? [])], [['GET', { max: 5, windowMs: 1000 }], ['HEAD', { max: 5, windowMs: 1000 }], ['POST', perClient]])
  t.same([...(c.routes[1]?.rateLimits ?? [])], [['PUT', perClient]])
  t.same(c.rateLimit, { perClient, unauthenticated: { max: 10, windowMs: 60_000 }, redisUrl: 'redis://127.0.0.1:6379/0', redisTimeoutMs: 1000, onStoreError: 'closed', redisKeyPrefix: 'frs-gateway:' })
  const own = resolveGatewayConfig({ routes: [{ ...route, rateLimit: { GET: { max: 5, windowMs: 1000 }, HEAD: { max: 50, windowMs: 1000 } } }] })
  t.same(own.routes[0]?.rateLimits.get('HEAD'), { max: 50, windowMs: 1000 })
  t.equal(own.routes[0]?.rateLimits.has('POST'), false, 'no perClient default: POST is unlimited')
})

t.test('trustProxy takes true, a hop count, or proxy addresses and ranges', async (t) => {
  t.equal(resolveGatewayConfig({ routes: [route] }).trustProxy, undefined, 'by default the TCP peer is the client')
  t.equal(resolveGatewayConfig({ routes: [route], trustProxy: true }).trustProxy, true)
  t.equal(resolveGatewayConfig({ routes: [route], trustProxy: false }).trustProxy, false)
  t.equal(resolveGatewayConfig({ routes: [route], trustProxy: 2 }).trustProxy, 2)
  t.equal(resolveGatewayConfig({ routes: [route], trustProxy: '10.0.0.1, 192.168.0.0/16' }).trustProxy, '10.0.0.1, 192.168.0.0/16')
  t.same(resolveGatewayConfig({ routes: [route], trustProxy: ['loopback', 'fd00::/8', '10.0.0.0/32', '::1'] }).trustProxy, ['loopback', 'fd00::/8', '10.0.0.0/32', '::1'])
  t.throws(() => resolveGatewayConfig({ routes: [route], trustProxy: 'everyone' }), { message: /got "everyone"/ })
})

t.test('an upstream with credentials is refused without echoing them', async (t) => {
  for (const upstream of ['http://svc:s3cret@10.0.1.20:9001', 'http://:s3cret@10.0.1.20:9001', 'http://svc@10.0.1.20:9001', 'http://svc:s3cret@10.0.1.20:99999', 'http:svc:s3cret@10.0.1.20:9001']) {
    const err = t.throws(() => resolveGatewayConfig({ routes: [{ ...route, upstream }] })) as Error
    t.match(err.message, /routes\[0\]\.upstream.*must not hold credentials/, upstream)
    t.notMatch(err.message, /s3cret|svc/, 'the value is not echoed')
  }
})

t.test('an upstream is an origin: a base path is refused, naming the value', async (t) => {
  t.throws(() => resolveGatewayConfig({ routes: [{ ...route, upstream: 'http://10.0.1.20:9001/api' }] }), { message: /without a path.*"http:\/\/10\.0\.1\.20:9001\/api"/ })
  t.equal(resolveGatewayConfig({ routes: [{ ...route, upstream: 'https://svc.internal:443/' }] }).routes[0]?.upstream, 'https://svc.internal')
})

t.test('a mistake names the bad value', async (t) => {
  t.throws(() => resolveGatewayConfig({ routes: [{ ...route, methods: { GET: ['transactions/get transactions/post'] } }] }), { message: /one scope.*got "transactions\/get transactions\/post"/ })
  t.throws(() => resolveGatewayConfig({ routes: [{ ...route, upstream: 'ftp://x' }] }), /"ftp:\/\/x"/)
  t.throws(() => resolveGatewayConfig({ routes: [route], rateLimit: { perClient: { max: 1.5, windowMs: 1000 } } }), /got 1\.5/)
  t.throws(() => resolveGatewayConfig({ routes: [{ ...route, prefix: undefined as unknown as string }] }), /got undefined/)
})

t.test('every mistake throws a TypeError naming the field', async (t) => {
  const cases: Array<[unknown, string]> = [
    [null, 'gateway'],
    [{}, 'routes'],
    [{ routes: [null] }, 'routes[0]'],
    [{ routes: [{ ...route, prefix: 'transactions' }] }, 'routes[0].prefix'],
    [{ routes: [{ ...route, prefix: '/a/../b' }] }, 'routes[0].prefix'],
    [{ routes: [route, route] }, 'routes[1].prefix'],
    [{ routes: [{ ...route, methods: {} }] }, 'routes[0].methods'],
    [{ routes: [{ ...route, methods: { TRACE: [] } }] }, 'routes[0].methods.TRACE'],
    [{ routes: [{ ...route, methods: { GET: 'a/b' } }] }, 'routes[0].methods.GET'],
    [{ routes: [{ ...route, upstream: 'nope' }] }, 'routes[0].upstream'],
    [{ routes: [{ ...route, upstream: 'ftp://x' }] }, 'routes[0].upstream'],
    [{ routes: [{ ...route, upstream: 'http://x/?q=1' }] }, 'routes[0].upstream'],
    [{ routes: [{ ...route, upstream: 'http://10.0.1.20:9001/api' }] }, 'routes[0].upstream'],
    [{ routes: [{ ...route, prefix: '/v1..' }] }, 'routes[0].prefix'],
    [{ routes: [{ ...route, prefix: '/a/...' }] }, 'routes[0].prefix'],
    [{ routes: [{ ...route, methods: { GET: ['transactions/get transactions/post'] } }] }, 'routes[0].methods.GET[0]'],
    [{ routes: [{ ...route, methods: { GET: ['a/b', 'say "hi"'] } }] }, 'routes[0].methods.GET[1]'],
    [{ routes: [{ ...route, methods: { GET: [''] } }] }, 'routes[0].methods.GET[0]'],
    [{ routes: [route], identityHeaders: { constructor: 'x-a' } }, 'identityHeaders.constructor'],
    [{ routes: [route], identityHeaders: { scopes: 'content-length' } }, 'identityHeaders.scopes'],
    [{ routes: [route], identityHeaders: { issuer: 'x-forwarded-for' } }, 'identityHeaders.issuer'],
    [{ routes: [route], identityHeaders: { sub: 'authorization' } }, 'identityHeaders.sub'],
    [{ routes: [route], identityHeaders: { sub: 'host' } }, 'identityHeaders.sub'],
    [{ routes: [route], identityHeaders: { nope: 'x-a' } }, 'identityHeaders.nope'],
    [{ routes: [route], identityHeaders: { sub: 'X Bad' } }, 'identityHeaders.sub'],
    [{ routes: [route], identityHeaders: { sub: 'x-auth-scopes' } }, 'identityHeaders.scopes'],
    [{ routes: [route], upstreamTimeoutMs: 0 }, 'upstreamTimeoutMs'],
    [{ routes: [route], identityHeaders: 'x' }, 'identityHeaders'],
    [{ routes: [route], rout: [] }, 'rout'],
    [{ routes: [route], stripHeaders: [] }, 'stripHeaders'],
    [{ routes: [route], stripHeaders: { names: 'x' } }, 'stripHeaders.names'],
    [{ routes: [route], stripHeaders: { prefixes: ['x y'] } }, 'stripHeaders.prefixes[0]'],
    [{ routes: [route], stripQueryParams: [''] }, 'stripQueryParams[0]'],
    [{ routes: [route], auth: 'x' }, 'auth'],
    [{ routes: [route], listen: 8080 }, 'listen'],
    [{ routes: [route], listen: { port: 65536 } }, 'listen.port'],
    [{ routes: [route], listen: { host: '' } }, 'listen.host'],
    [{ routes: [route], logLevel: 'loud' }, 'logLevel'],
    [{ routes: [{ ...route, rateLimit: [] }] }, 'routes[0].rateLimit'],
    [{ routes: [{ ...route, rateLimit: { PUT: { max: 1, windowMs: 1000 } } }] }, 'routes[0].rateLimit.PUT'],
    [{ routes: [{ ...route, rateLimit: { GET: { max: 0, windowMs: 1000 } } }] }, 'routes[0].rateLimit.GET.max'],
    [{ routes: [{ ...route, rateLimit: { GET: { max: 1, windowMs: 10 } } }] }, 'routes[0].rateLimit.GET.windowMs'],
    [{ routes: [{ ...route, rateLimit: { GET: { max: 1, windowMs: 1000, burst: 2 } } }] }, 'routes[0].rateLimit.GET.burst'],
    [{ routes: [{ ...route, rateLimit: { GET: 5 } }] }, 'routes[0].rateLimit.GET'],
    [{ routes: [route], rateLimit: 5 }, 'rateLimit'],
    [{ routes: [route], rateLimit: { perclient: {} } }, 'rateLimit.perclient'],
    [{ routes: [route], rateLimit: { onStoreError: 'maybe' } }, 'rateLimit.onStoreError'],
    [{ routes: [route], rateLimit: { redisKeyPrefix: '' } }, 'rateLimit.redisKeyPrefix'],
    [{ routes: [route], rateLimit: { redisUrl: 'http://127.0.0.1:6379' } }, 'rateLimit.redisUrl'],
    [{ routes: [route], rateLimit: { redisUrl: 'not a url' } }, 'rateLimit.redisUrl'],
    [{ routes: [route], rateLimit: { redisUrl: 6379 } }, 'rateLimit.redisUrl'],
    [{ routes: [route], rateLimit: { redisTimeoutMs: 1 } }, 'rateLimit.redisTimeoutMs'],
    [{ routes: [route], rateLimit: { unauthenticated: { max: 1 } } }, 'rateLimit.unauthenticated.windowMs'],
    [{ routes: [route], trustProxy: 0 }, 'trustProxy'],
    [{ routes: [route], trustProxy: 1.5 }, 'trustProxy'],
    [{ routes: [route], trustProxy: 'everyone' }, 'trustProxy'],
    [{ routes: [route], trustProxy: [] }, 'trustProxy'],
    [{ routes: [route], trustProxy: ['10.0.0.0/8', 7] }, 'trustProxy'],
    [{ routes: [route], trustProxy: {} }, 'trustProxy'],
    [{ routes: [route], trustProxy: '1.2.3' }, 'trustProxy'],
    [{ routes: [route], trustProxy: ['10.0.0.0/33'] }, 'trustProxy'],
    [{ routes: [route], trustProxy: ['fd00::/129'] }, 'trustProxy'],
    [{ routes: [route], trustProxy: ['10.0.0.0/x'] }, 'trustProxy'],
    [{ routes: [route], trustProxy: ['10.0.0.0/8/8'] }, 'trustProxy']
  ]
  for (const [config, option] of cases) {
    t.throws(() => resolveGatewayConfig(config as GatewayConfig), { name: 'TypeError', option }, option)
  }
})

t.test('a route table loads from a JSON file', async (t) => {
  const dir = t.testdir({ 'routes.json': JSON.stringify({ routes: [route] }), 'bad.json': '{' })
  t.equal(loadGatewayConfig(`${dir}/routes.json`).routes.length, 1)
  t.throws(() => loadGatewayConfig(`${dir}/bad.json`), { name: 'TypeError', option: 'configFile' })
})
