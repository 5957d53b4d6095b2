import t from 'tap'
import { loadGatewayConfig, resolveGatewayConfig, type GatewayConfig } from '../../example-gateway/config.js'

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
    [{ routes: [route], identityHeaders: { nope: 'x-a' } }, 'identityHeaders.nope'],
    [{ routes: [route], identityHeaders: { sub: 'X Bad' } }, 'identityHeaders.sub'],
    [{ routes: [route], identityHeaders: { sub: 'x-auth-scopes' } }, 'identityHeaders.scopes'],
    [{ routes: [route], upstreamTimeoutMs: 0 }, 'upstreamTimeoutMs']
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
