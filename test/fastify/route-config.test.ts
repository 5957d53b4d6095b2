import t from 'tap'
import Fastify from 'fastify'
import { compileRouteAuth, compileRouteAuthOf } from '../../src/fastify/route-config.js'
import { fastifyResourceServer } from '../../src/index.js'
import { bearer, harness } from '../helpers/fastify-app.js'

t.test('a route without config.auth requires a token and nothing more', async (t) => {
  const c = compileRouteAuth(undefined)
  t.same([c.public, c.optional, c.needs.any], [false, false, false])
})

t.test('config.auth false makes a route public', async (t) => {
  t.equal(compileRouteAuth(false).public, true)
})

t.test('config.auth carries requirements and optional', async (t) => {
  const c = compileRouteAuth({ optional: true, scopes: 'a/b' })
  t.same([c.public, c.optional, c.needs.scopes], [false, true, ['a/b']])
})

t.test('config.auth rejects what it cannot mean, quoting the value', async (t) => {
  t.throws(() => compileRouteAuth(null), { name: 'TypeError', option: 'config.auth', message: /\(got null\)$/ })
  t.throws(() => compileRouteAuth(['a']), { name: 'TypeError', option: 'config.auth', message: /\(got an array\)$/ })
  t.throws(() => compileRouteAuth(true), { name: 'TypeError', option: 'config.auth', message: /\(got true\)$/ })
  t.throws(() => compileRouteAuth({ optional: 1 }), { name: 'TypeError', option: 'config.auth.optional', message: /must be a boolean \(got 1\)$/ })
})

t.test('config.auth of a declared route names the route', async (t) => {
  t.equal(compileRouteAuthOf(false, { method: 'GET', url: '/x' }).public, true)
  t.throws(() => compileRouteAuthOf({ scopes: 'a b' }, { method: 'GET', url: '/x' }), { option: 'config.auth.scopes', message: /\(got "a b"\), on the route GET \/x$/ })
  t.throws(() => compileRouteAuthOf(true, { method: ['GET', 'HEAD'], url: '/y/:id' }), { option: 'config.auth', message: /, on the route GET,HEAD \/y\/:id$/ })
  const throwing = { get optional (): boolean { throw new RangeError('a getter of the application') } }
  t.throws(() => compileRouteAuthOf(throwing, { method: 'GET', url: '/x' }), RangeError, 'an error of the application\'s own is left as it is')
})

t.test('config.auth names the claim path of a bad claim requirement, with its value', async (t) => {
  t.throws(() => compileRouteAuth({ claims: { 'realm_access.roles': ['admin', 1.5, null] } }), {
    name: 'TypeError',
    code: 'ERR_INVALID_OPTION',
    option: 'config.auth.claims.realm_access.roles',
    message: /\(got \["admin", 1\.5, null\]\)$/
  })
})

t.test('a route declared with a bad claim requirement fails at start-up, not at its first request', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyResourceServer, { issuer: 'https://issuer.example.com', clientId: null })
  t.throws(() => app.get('/x', { config: { auth: { anyClaims: { 'a..b': 'x' } } } }, async () => 'no'), { name: 'TypeError', option: 'config.auth.anyClaims.a..b' })
  t.throws(() => app.authorize({ claims: { tenant: '' } }), { name: 'TypeError', option: 'authorize().claims.tenant' })
})

t.test('routes require claims: nested, namespaced and array claims, from config.auth and authorize()', async (t) => {
  const h = await harness({}, (app) => {
    app.get('/realm-admin', { config: { auth: { claims: { 'realm_access.roles': 'admin' } } } }, async () => 'ok')
    app.get('/editors', { config: { auth: { anyClaims: { '["https://example.com/roles"]': ['editor', 'owner'] } } } }, async () => 'ok')
    app.get('/writers', { preHandler: app.authorize({ claims: { permissions: ['read:tx', 'write:tx'] } }) }, async () => 'ok')
    app.get('/verified', { config: { auth: { claims: { email_verified: true } } } }, async () => 'ok')
  })
  t.teardown(h.close)
  const rich = bearer(await h.token({
    realm_access: { roles: ['admin'] },
    'https://example.com/roles': ['owner'],
    permissions: ['read:tx', 'write:tx'],
    email_verified: true
  }))
  const poor = bearer(await h.token({ 'realm_access.roles': ['admin'], permissions: ['read:tx'], email_verified: 'true' }))
  for (const url of ['/realm-admin', '/editors', '/writers', '/verified']) {
    t.equal((await h.app.inject({ url, headers: rich })).statusCode, 200, `${url} with the claims`)
    const res = await h.app.inject({ url, headers: poor })
    t.equal(res.statusCode, 403, `${url} without them`)
    t.equal(res.json().code, 'ERR_INSUFFICIENT_CLAIM', `${url}: code`)
    t.match(res.headers['www-authenticate'], /^Bearer realm="api", error="insufficient_scope", error_description="[^"]+"$/, `${url}: no scope attribute`)
    t.equal(res.headers['cache-control'], 'no-store')
  }
  const quoted = await h.app.inject({ url: '/editors', headers: poor })
  t.match(quoted.headers['www-authenticate'], /\['https:\/\/example\.com\/roles'\]/, 'a bracketed path stays quotable in the challenge')
})
