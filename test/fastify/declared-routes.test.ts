import t from 'tap'
import Fastify from 'fastify'
import { declaredRoutes } from '../../src/fastify/declared-routes.js'

t.test('lists every route with its config and the instance it was declared on, nested contexts included', async (t) => {
  const app = Fastify({ exposeHeadRoutes: false })
  t.teardown(async () => { await app.close() })
  let seen: unknown
  app.get('/a', { config: { auth: false } }, async (request) => { seen = request.routeOptions.config; return 'a' })
  let child: unknown
  app.register(async (c) => {
    child = c
    c.post('/b', { config: { auth: { scopes: ['x'] } } }, async () => 'b')
  }, { prefix: '/p' })
  await app.ready()
  const routes = declaredRoutes(app)
  t.same(routes.map((r) => [r.config.method, r.config.url, r.config.auth]), [['GET', '/a', false], ['POST', '/p/b', { scopes: ['x'] }]])
  t.equal(routes[0]?.server, app, 'a route declared on the root')
  t.equal(routes[1]?.server, child, 'a route declared in a child context')
  await app.inject('/a')
  t.equal(routes[0]?.config, seen, 'the config object a request sees')
  t.equal(app.printRoutes(), '└── /\n    ├── a (GET)\n    └── p/b (POST)\n', 'printRoutes prints as before')
})

t.test('finds no route where the server hands no context, and never throws', async (t) => {
  const fake = (routes: unknown[], fail = false): { printRoutes: (options?: object) => string } => ({
    printRoutes: (options: any = {}) => {
      options.buildPrettyMeta = () => ({})
      for (const route of routes) options.buildPrettyMeta(route)
      if (fail) throw new Error('a later printRoutes')
      return ''
    }
  })
  t.same(declaredRoutes(fake([{}, { store: null }, { store: {} }, { store: { config: null } }, { store: { config: 'x' } }])), [])
  t.same(declaredRoutes(fake([{ store: { config: { url: '/x' }, server: 1 } }], true)), [{ config: { url: '/x' }, server: 1 }], 'what was found before a failure')
})
