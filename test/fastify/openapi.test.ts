import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import { Validator } from '@seriousme/openapi-schema-validator'
import { fastifyResourceServer, type ResourceServerOptions } from '../../src/index.js'
import { MAX_ALTERNATIVES, REQUIREMENTS_EXTENSION } from '../../src/fastify/openapi.js'
import { bearer, harness } from '../helpers/fastify-app.js'
import { basic, CLIENTS, postToken, startIssuer } from '../helpers/issuer-fixtures.js'

const AUTH = { userPoolId: 'eu-west-1_AbC123', clientId: 'client-abc' }
const OPENAPI = { cognitoDomain: 'my-app', scopes: { 'transactions/get': 'Read transactions' } }

type Doc = Record<string, any>

/** An app with the plugin and @fastify/swagger side by side, as the README registers them. */
async function documented (t: { teardown: (fn: () => unknown) => void }, routes: (app: FastifyInstance) => void, options: Partial<ResourceServerOptions> = {}, version = '3.0.3'): Promise<{ app: FastifyInstance, doc: Doc }> {
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  await app.register(fastifyResourceServer, { ...AUTH, openapi: OPENAPI, ...options })
  await app.register(swagger, {
    openapi: {
      openapi: version,
      info: { title: 'transactions', version: '1.0.0' },
      components: { securitySchemes: { ...app.openapiSecuritySchemes, apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } }
    }
  })
  routes(app)
  await app.ready()
  return { app, doc: app.swagger() as Doc }
}

/** What the JSON schema of OpenAPI cannot check: every requirement names a scheme, every scope is listed. */
function checkReferences (t: { ok: (v: unknown, m: string) => unknown }, doc: Doc): void {
  const schemes = doc.components.securitySchemes
  for (const [path, item] of Object.entries<Doc>(doc.paths)) {
    for (const [method, op] of Object.entries<Doc>(item)) {
      for (const requirement of op.security ?? []) {
        for (const [name, scopes] of Object.entries<string[]>(requirement)) {
          t.ok(schemes[name] !== undefined, `${method} ${path}: scheme ${name} is declared`)
          for (const flow of Object.values<Doc>(schemes[name].flows ?? {})) {
            for (const scope of scopes) t.ok(scope in flow.scopes, `${method} ${path}: ${scope} is listed in the flow`)
          }
        }
      }
    }
  }
}

const routes = (app: FastifyInstance): void => {
  app.get('/token', async () => 'any valid token')
  app.get('/transactions', { config: { auth: { scopes: ['transactions/get'] } } }, async () => [])
  app.post('/transactions', { config: { auth: { scopes: ['transactions/post', 'transactions/get'] } } }, async () => ({}))
  app.get('/reports', { config: { auth: { anyScopes: ['reports/read', 'admin'] } } }, async () => [])
  app.delete('/transactions/:id', { config: { auth: { scopes: 'transactions/post', anyScopes: ['admin', 'owner'] } } }, async () => ({}))
  app.get('/health', { config: { auth: false } }, async () => 'ok')
  app.get('/feed', { config: { auth: { optional: true, scopes: 'feed/read' } } }, async () => [])
  app.get('/admin', { config: { auth: { groups: ['admin'], claims: { 'realm_access.roles': 'admin' }, tokenUse: 'access' } } }, async () => 'ok')
  app.get('/ops', { config: { auth: { anyGroups: ['ops', 'admin'], anyClaims: { tenant: ['acme', 'globex'] } } } }, async () => 'ok')
  app.put('/proxied', { preHandler: app.requireScopes('proxy/write') }, async () => 'ok')
  app.get('/hooked', { config: { auth: false }, onRequest: [app.authorize({ anyScopes: ['a', 'b'] })] }, async () => 'ok')
  app.get('/keyed', { schema: { security: [{ apiKey: [] }] } as never, config: { auth: { scopes: 'keyed/read' } } }, async () => 'ok')
}

for (const version of ['3.0.3', '3.1.0']) {
  t.test(`generates an OpenAPI ${version} document that validates and shows each route's security`, async (t) => {
    const { doc } = await documented(t, routes, {}, version)
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)))
    t.same(result, { valid: true }, 'the document validates against the OpenAPI schema')
    checkReferences(t, doc)
    const security = (path: string, method = 'get'): unknown => doc.paths[path][method].security
    t.same(security('/token'), [{ oauth2: [] }], 'a valid token and nothing more')
    t.same(security('/transactions'), [{ oauth2: ['transactions/get'] }])
    t.same(security('/transactions', 'post'), [{ oauth2: ['transactions/post', 'transactions/get'] }], 'all-of: one object, every scope')
    t.same(security('/reports'), [{ oauth2: ['reports/read'] }, { oauth2: ['admin'] }], 'any-of: one object per alternative')
    t.same(security('/transactions/{id}', 'delete'), [{ oauth2: ['transactions/post', 'admin'] }, { oauth2: ['transactions/post', 'owner'] }], 'all-of with each alternative')
    t.same(security('/health'), [], 'a public route')
    t.same(security('/feed'), [{ oauth2: ['feed/read'] }, {}], 'an optional route lists the empty requirement')
    t.same(security('/proxied', 'put'), [{ oauth2: ['proxy/write'] }], 'a requireScopes() hook')
    t.same(security('/hooked'), [{ oauth2: ['a'] }, { oauth2: ['b'] }], 'an authorize() hook protects a route that config.auth left public')
    t.same(security('/keyed'), [{ apiKey: [] }], 'a security the route set itself is kept')
    t.same(doc.paths['/admin'].get[REQUIREMENTS_EXTENSION], [{ groups: ['admin'], claims: { 'realm_access.roles': ['admin'] }, tokenUse: 'access' }], 'groups, claims and token_use go to the extension')
    t.same(doc.paths['/ops'].get[REQUIREMENTS_EXTENSION], [{ anyGroups: ['ops', 'admin'], anyClaims: { tenant: ['acme', 'globex'] } }])
    t.notOk(REQUIREMENTS_EXTENSION in doc.paths['/transactions'].get, 'no extension when scopes say it all')
    t.same(doc.components.securitySchemes.oauth2.flows, {
      clientCredentials: {
        tokenUrl: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token',
        scopes: {
          'transactions/get': 'Read transactions',
          'transactions/post': '',
          'reports/read': '',
          admin: '',
          owner: '',
          'feed/read': '',
          'proxy/write': '',
          a: '',
          b: '',
          'keyed/read': ''
        }
      },
      authorizationCode: {
        authorizationUrl: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
        tokenUrl: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token',
        scopes: doc.components.securitySchemes.oauth2.flows.clientCredentials.scopes
      }
    }, 'the oauth2 scheme lists both flows and every scope a route requires')
    t.equal(doc.components.securitySchemes.apiKey.type, 'apiKey', 'the user\'s own schemes stay beside it')
  })
}

t.test('the YAML document validates too, without anchors for shared objects', async (t) => {
  const { app } = await documented(t, routes)
  const yaml = app.swagger({ yaml: true }) as unknown as string
  t.same(await new Validator().validate(yaml), { valid: true })
  t.notMatch(yaml, /[&*]a\d/, 'no YAML anchors or aliases')
})

t.test('combines the requirement sets of config.auth and hooks as a bounded cross product', async (t) => {
  const many = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`)
  const { doc } = await documented(t, (app) => {
    app.get('/product', { config: { auth: { scopes: 's', anyScopes: ['a', 'b'] } }, preHandler: app.authorize({ anyScopes: ['c', 'd'] }) }, async () => 'ok')
    app.get('/absorbed', { config: { auth: { scopes: 'a', anyScopes: ['a', 'b'] } } }, async () => 'ok')
    app.get('/same-twice', { config: { auth: { anyScopes: ['a', 'b'] } }, preHandler: [app.authorize({ anyScopes: ['b', 'a'] })] }, async () => 'ok')
    app.get('/too-many', { config: { auth: { scopes: 's', anyScopes: many('x', 8) } }, preHandler: app.authorize({ anyScopes: many('y', 9), groups: 'g' }) }, async () => 'ok')
  })
  t.same(await new Validator().validate(JSON.parse(JSON.stringify(doc))), { valid: true })
  checkReferences(t, doc)
  t.same(doc.paths['/product'].get.security, [
    { oauth2: ['s', 'a', 'c'] }, { oauth2: ['s', 'a', 'd'] }, { oauth2: ['s', 'b', 'c'] }, { oauth2: ['s', 'b', 'd'] }
  ])
  t.same(doc.paths['/absorbed'].get.security, [{ oauth2: ['a'] }], 'an alternative that holds another is dropped')
  t.same(doc.paths['/same-twice'].get.security, [{ oauth2: ['a'] }, { oauth2: ['b'] }], 'so are repeats')
  t.ok(8 * 9 > MAX_ALTERNATIVES)
  const tooMany = doc.paths['/too-many'].get
  t.same(tooMany.security, [{ oauth2: ['s'] }], 'past the bound, the all-of scopes only')
  t.same(tooMany[REQUIREMENTS_EXTENSION], [{ anyScopes: many('x', 8) }, { anyScopes: many('y', 9), groups: ['g'] }], 'and the any-of lists in the extension')
  t.ok('y8' in doc.components.securitySchemes.oauth2.flows.clientCredentials.scopes, 'their scopes are still listed')
})

t.test('an optional route behind an authorize() hook is not optional', async (t) => {
  const { doc } = await documented(t, (app) => {
    app.get('/maybe', { config: { auth: { optional: true } }, preHandler: app.authorize({ scopes: 'x' }) }, async () => 'ok')
  })
  t.same(doc.paths['/maybe'].get.security, [{ oauth2: ['x'] }], 'the hook requires a token: no empty requirement')
})

t.test('a schema shared by two routes is copied, never changed', async (t) => {
  const shared = { response: { 200: { type: 'string' } } }
  const { doc } = await documented(t, (app) => {
    app.get('/one', { schema: shared, config: { auth: { scopes: 'one' } } }, async () => 'ok')
    app.get('/two', { schema: shared, config: { auth: { scopes: 'two' } } }, async () => 'ok')
  })
  t.same(Object.keys(shared), ['response'])
  t.same(doc.paths['/one'].get.security, [{ oauth2: ['one'] }])
  t.same(doc.paths['/two'].get.security, [{ oauth2: ['two'] }])
})

t.test('the route still validates with its schema, and the plugin still guards it', async (t) => {
  const h = await harness({ openapi: { tokenUrl: 'https://auth.example.com/oauth2/token' } }, (app) => {
    app.post('/items', { schema: { body: { type: 'object', required: ['name'] } }, config: { auth: { scopes: 'transactions/get' } } }, async () => 'ok')
  })
  t.teardown(h.close)
  t.equal((await h.app.inject({ method: 'POST', url: '/items', payload: { name: 'x' } })).statusCode, 401)
  t.equal((await h.app.inject({ method: 'POST', url: '/items', payload: {}, headers: bearer(await h.token()) })).statusCode, 400)
  t.equal((await h.app.inject({ method: 'POST', url: '/items', payload: { name: 'x' }, headers: bearer(await h.token()) })).statusCode, 200)
})

t.test('without the openapi option, routes are left alone and no scheme is offered', async (t) => {
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  await app.register(fastifyResourceServer, AUTH)
  await app.register(swagger, { openapi: { info: { title: 't', version: '1' }, components: { securitySchemes: app.openapiSecuritySchemes } } })
  app.get('/x', { config: { auth: { scopes: 'a' } } }, async () => 'ok')
  await app.ready()
  t.same(app.openapiSecuritySchemes, {})
  t.notOk('security' in (app.swagger() as Doc).paths['/x'].get)
})

t.test('refuses to start when @fastify/swagger was not given the scheme', async (t) => {
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  await app.register(fastifyResourceServer, { ...AUTH, openapi: OPENAPI })
  await app.register(swagger, { openapi: { info: { title: 't', version: '1' } } })
  app.get('/x', async () => 'ok')
  await t.rejects(async () => { await app.ready() }, { name: 'TypeError', code: 'ERR_INVALID_OPTION', option: 'openapi', message: /app\.openapiSecuritySchemes/ })
})

t.test('starts without @fastify/swagger, for other generators that read route schemas', async (t) => {
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  await app.register(fastifyResourceServer, { ...AUTH, openapi: OPENAPI })
  let seen: unknown
  app.addHook('onRoute', (route) => { seen = route })
  app.get('/x', { config: { auth: { scopes: 'a' } } }, async () => 'ok')
  await app.ready()
  t.same((seen as { schema: { security: unknown } }).schema.security, [{ oauth2: ['a'] }])
})

t.test('a client that follows the document gets in: its token URL and scopes work against the local issuer', async (t) => {
  const issuer = await startIssuer(t)
  const { urls } = issuer.issuer
  const { app, doc } = await documented(t, (app) => {
    app.post('/transactions', { config: { auth: { scopes: 'transactions/post' } } }, async (request) => ({ by: request.auth?.clientId }))
  }, { userPoolId: undefined, issuer: urls.issuer, clientId: null, openapi: { cognitoDomain: new URL(urls.tokenEndpoint).origin } })
  const flow = doc.components.securitySchemes.oauth2.flows.clientCredentials
  t.equal(flow.tokenUrl, urls.tokenEndpoint)
  const [requirement] = doc.paths['/transactions'].post.security
  const answer = await postToken(flow.tokenUrl, {
    form: { grant_type: 'client_credentials', scope: requirement.oauth2.join(' ') },
    authorization: basic(CLIENTS.poster.clientId, CLIENTS.poster.secret)
  })
  t.equal(answer.status, 200)
  const res = await app.inject({ method: 'POST', url: '/transactions', headers: bearer(answer.body.access_token) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { by: CLIENTS.poster.clientId })
})

t.test('lists scopes named like Object members (constructor, toString) in the flows', async (t) => {
  const { doc } = await documented(t, (app) => {
    app.get('/odd', { config: { auth: { scopes: ['constructor', 'toString'] } } }, async () => 'ok')
  })
  for (const flow of Object.values<Doc>(doc.components.securitySchemes.oauth2.flows)) {
    t.equal(flow.scopes.constructor, '', 'constructor is a listed scope with no description')
    t.equal(flow.scopes.toString, '')
  }
})
