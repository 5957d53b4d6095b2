import t from 'tap'
import { claimAt, parseClaimPath } from '../../src/verifier/claim-path.js'
import { OptionError } from '../../src/verifier/errors.js'
import { throwsWith } from '../helpers/assert.js'

t.test('splits a dotted path into the names of nested objects', async (t) => {
  t.same(parseClaimPath('x', 'realm_access.roles'), ['realm_access', 'roles'])
  t.same(parseClaimPath('x', 'permissions'), ['permissions'])
  t.same(parseClaimPath('x', 'cognito:groups'), ['cognito:groups'])
  t.same(parseClaimPath('x', 'a b.c-d'), ['a b', 'c-d'], 'a plain name is anything but a dot or a bracket')
  t.ok(Object.isFrozen(parseClaimPath('x', 'a.b')))
})

t.test('reads a bracketed JSON string as one name, dots and all', async (t) => {
  t.same(parseClaimPath('x', '["https://example.com/roles"]'), ['https://example.com/roles'])
  t.same(parseClaimPath('x', 'resource_access["my.app"].roles'), ['resource_access', 'my.app', 'roles'])
  t.same(parseClaimPath('x', '["a"]["b.c"]'), ['a', 'b.c'])
  t.same(parseClaimPath('x', '["quote \\" and \\\\ and ]"]'), ['quote " and \\ and ]'])
  t.same(parseClaimPath('x', '["\\u00e9"]'), ['é'], 'JSON escapes are decoded')
})

t.test('refuses a path that could mean two things or nothing', async (t) => {
  for (const bad of ['', '.', 'a.', '.a', 'a..b', 'a.["b"]', '["a"]b', 'a]', '[a]', "['a']", '[""]', '["a"', '["\\x"]', 'a[', 'a["b"].']) {
    const err = throwsWith(t, () => parseClaimPath('config.auth.claims.p', bad), OptionError, 'ERR_INVALID_OPTION', JSON.stringify(bad))
    t.equal(err.option, 'config.auth.claims.p')
    t.match(err.message, /\["https:\/\/example\.com\/roles"\]/, 'the message shows how to write a name with dots')
  }
})

t.test('finds a claim by its path, through the payload\'s own objects only', async (t) => {
  const claims = {
    permissions: ['read:tx'],
    realm_access: { roles: ['admin'] },
    'https://example.com/roles': ['editor'],
    'realm_access.roles': ['forged-looking'],
    list: [{ a: 1 }],
    nothing: null
  }
  t.same(claimAt(claims, parseClaimPath('x', 'realm_access.roles')), ['admin'], 'a dotted path never reads a top-level name with a dot')
  t.same(claimAt(claims, parseClaimPath('x', '["realm_access.roles"]')), ['forged-looking'])
  t.same(claimAt(claims, parseClaimPath('x', '["https://example.com/roles"]')), ['editor'])
  t.equal(claimAt(claims, parseClaimPath('x', 'missing.roles')), undefined)
  t.equal(claimAt(claims, parseClaimPath('x', 'nothing.roles')), undefined)
  t.equal(claimAt(claims, parseClaimPath('x', 'permissions.length')), undefined, 'no step into an array')
  t.equal(claimAt(claims, parseClaimPath('x', 'list.0')), undefined, 'no array element by index')
  t.equal(claimAt(claims, parseClaimPath('x', 'constructor.name')), undefined, 'nothing inherited from Object.prototype')
  t.equal(claimAt(claims, parseClaimPath('x', 'realm_access.roles.x')), undefined)
})
