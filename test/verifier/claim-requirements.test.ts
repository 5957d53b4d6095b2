import t from 'tap'
import { compileClaims, firstUnmetClaim, meetsAnyClaim } from '../../src/verifier/claim-requirements.js'
import { OptionError } from '../../src/verifier/errors.js'
import { throwsWith } from '../helpers/assert.js'

const all = (input: unknown): ReturnType<typeof compileClaims> => compileClaims('config.auth.claims', input, false)
const any = (input: unknown): ReturnType<typeof compileClaims> => compileClaims('config.auth.anyClaims', input, true)

const keycloak = { realm_access: { roles: ['admin', 'ops'] }, resource_access: { 'my.app': { roles: ['viewer'] } }, tenant: 'acme' }
const auth0 = { permissions: ['read:tx', 'write:tx'], 'https://example.com/roles': ['editor'], email_verified: true, level: 3 }

t.test('compiles each path once, with its values as a frozen list', async (t) => {
  const c = all({ 'realm_access.roles': 'admin', '["https://example.com/roles"]': ['editor', 'editor', 'owner'] })
  t.same(c.map((n) => [n.path, n.names, n.values]), [
    ['realm_access.roles', ['realm_access', 'roles'], ['admin']],
    ['["https://example.com/roles"]', ['https://example.com/roles'], ['editor', 'owner']]
  ])
  t.ok(Object.isFrozen(c))
  t.ok(Object.isFrozen(c[0]))
  t.ok(Object.isFrozen(c[0]?.values))
  t.same(all(undefined), [])
  t.same(all({}), [], 'an empty all-of object requires nothing, as scopes: [] does')
})

t.test('refuses a value that is not a string, finite number or boolean, naming the path and the value', async (t) => {
  const cases: Array<[unknown, string]> = [
    [null, 'null'], [[], '[]'], ['', '""'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], [{ a: 1 }, 'an object'],
    [['admin', null], '["admin", null]'], [[['a']], '[["a"]]'], [() => 1, 'a function'], [undefined, 'undefined'], [7n, '7n']
  ]
  for (const [value, shown] of cases) {
    const err = throwsWith(t, () => all({ 'realm_access.roles': value }), OptionError, 'ERR_INVALID_OPTION', shown)
    t.equal(err.option, 'config.auth.claims.realm_access.roles')
    t.ok(err.message.endsWith(`(got ${shown})`), `the message shows ${shown}`)
    t.ok(err instanceof TypeError)
  }
})

t.test('refuses claims that are not an object, and an empty any-of', async (t) => {
  for (const bad of [null, 'tenant', ['tenant'], 3]) {
    t.equal(throwsWith(t, () => all(bad), OptionError, 'ERR_INVALID_OPTION', JSON.stringify(bad)).option, 'config.auth.claims')
  }
  const empty = throwsWith(t, () => any({}), OptionError, 'ERR_INVALID_OPTION', 'anyClaims {}')
  t.equal(empty.option, 'config.auth.anyClaims')
  t.match(empty.message, /no token could satisfy/)
  t.equal(throwsWith(t, () => all({ 'a..b': 'x' }), OptionError).option, 'config.auth.claims.a..b', 'a bad path is named too')
})

t.test('needs every path-value pair of claims, as scopes does', async (t) => {
  t.equal(firstUnmetClaim(keycloak, all({ 'realm_access.roles': 'admin', tenant: 'acme' })), undefined)
  t.equal(firstUnmetClaim(auth0, all({ permissions: ['read:tx', 'write:tx'] })), undefined, 'an array claim holding both')
  t.equal(firstUnmetClaim(keycloak, all({ 'resource_access["my.app"].roles': 'viewer' })), undefined)
  t.equal(firstUnmetClaim(auth0, all({ '["https://example.com/roles"]': 'editor' })), undefined)
  t.equal(firstUnmetClaim(auth0, all({ permissions: ['read:tx', 'delete:tx'] }))?.path, 'permissions', 'one value missing')
  t.equal(firstUnmetClaim(keycloak, all({ tenant: ['acme', 'globex'] }))?.path, 'tenant', 'a string cannot equal two values')
  t.equal(firstUnmetClaim(keycloak, all({ tenant: 'acme', 'realm_access.roles': 'root' }))?.path, 'realm_access.roles')
  t.equal(firstUnmetClaim(keycloak, all({ 'missing.claim': 'x' }))?.path, 'missing.claim', 'a missing claim is unmet')
})

t.test('needs one path-value pair of anyClaims', async (t) => {
  t.ok(meetsAnyClaim(keycloak, any({ tenant: ['globex', 'acme'] })), 'a list gives accepted values')
  t.ok(meetsAnyClaim(auth0, any({ 'realm_access.roles': 'admin', permissions: 'write:tx' })), 'another path')
  t.notOk(meetsAnyClaim(auth0, any({ 'realm_access.roles': 'admin', permissions: ['delete:tx'] })))
  t.notOk(meetsAnyClaim({}, any({ tenant: 'acme' })))
})

t.test('compares values exactly, without coercion', async (t) => {
  t.equal(firstUnmetClaim(auth0, all({ email_verified: true, level: 3 })), undefined)
  for (const [claims, value] of [
    [{ level: 3 }, '3'], [{ level: '3' }, 3], [{ flag: 'true' }, true], [{ flag: true }, 'true'], [{ flag: 1 }, true],
    [{ flag: 0 }, false], [{ roles: ['1'] }, 1], [{ name: 'Admin' }, 'admin'], [{ roles: [['admin']] }, 'admin'],
    [{ roles: { admin: true } }, 'admin'], [{ roles: 'admin ops' }, 'admin']
  ] as const) {
    t.notOk(meetsAnyClaim(claims, any({ [Object.keys(claims)[0] as string]: value })), `${JSON.stringify(claims)} does not hold ${JSON.stringify(value)}`)
  }
})
