import t from 'tap'
import { compileRouteAuth } from '../../src/fastify/route-config.js'

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

t.test('config.auth rejects what it cannot mean', async (t) => {
  t.throws(() => compileRouteAuth(null), { name: 'TypeError', option: 'config.auth' })
  t.throws(() => compileRouteAuth(['a']), { name: 'TypeError', option: 'config.auth' })
  t.throws(() => compileRouteAuth(true), { name: 'TypeError', option: 'config.auth' })
})
