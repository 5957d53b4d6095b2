import t from 'tap'
import { InsufficientClaimError, InsufficientGroupError, InsufficientScopeError, OptionError, TokenUseMismatchError } from '../../src/verifier/errors.js'
import { checkRequirements, compileRequirements, NO_REQUIREMENTS, type Requirements } from '../../src/verifier/requirements.js'
import { createVerifiedToken, type VerifiedToken } from '../../src/verifier/verified-token.js'
import { throwsWith, type Asserts } from '../helpers/assert.js'
import { NOW_S } from '../helpers/keys.js'
import { issuerFixture } from '../helpers/verifier-fixture.js'

const ISS = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'

function token (scopes: string[], groups: string[] = [], tokenUse: 'access' | 'id' = 'access', claims: Record<string, unknown> = {}): VerifiedToken {
  return createVerifiedToken(
    { sub: 's', tokenUse, clientId: 'c', username: undefined, scopes, groups, roles: [], entitlements: [] },
    { alg: 'RS256', kid: 'k' },
    ISS,
    { iss: ISS, sub: 's', exp: NOW_S + 60, iat: NOW_S, ...claims }
  )
}

const needs = (r: Requirements): ReturnType<typeof compileRequirements> => compileRequirements('config.auth', r)

function rejectsRequirement (t: Asserts, input: unknown, option: string, label = option): OptionError {
  const err = throwsWith(t, () => compileRequirements('config.auth', input as Requirements), OptionError, 'ERR_INVALID_OPTION', label)
  t.ok(err instanceof TypeError)
  t.equal(err.option, option, `${label}: names ${option}`)
  return err
}

t.test('compiles empty requirements to a no-op', async (t) => {
  t.equal(needs({}).any, false)
  t.equal(NO_REQUIREMENTS.any, false)
  t.ok(Object.isFrozen(NO_REQUIREMENTS))
  checkRequirements(token([]), NO_REQUIREMENTS)
  checkRequirements(token([]), needs({ scopes: [] }))
  t.equal(needs({ scopes: [] }).any, false, 'an empty all-of list requires nothing')
})

t.test('normalises strings to lists and drops duplicates', async (t) => {
  const c = needs({ scopes: 'a/read', groups: 'admin', anyScopes: ['x', 'x', 'y'], anyGroups: ['g'], tokenUse: 'id' })
  t.same(c.scopes, ['a/read'])
  t.same(c.groups, ['admin'])
  t.same(c.anyScopes, ['x', 'y'])
  t.same(c.anyGroups, ['g'])
  t.equal(c.tokenUse, 'id')
  t.equal(c.any, true)
  t.ok(Object.isFrozen(c))
  t.ok(Object.isFrozen(c.scopes))
  for (const r of [{ scopes: 'a' }, { anyScopes: ['a'] }, { groups: 'g' }, { anyGroups: ['g'] }, { claims: { t: 1 } }, { anyClaims: { t: 1 } }, { tokenUse: 'access' as const }]) {
    t.equal(needs(r).any, true, `${Object.keys(r)[0] as string} alone is something to check`)
  }
})

t.test('accepts only RFC 6749 scope tokens', async (t) => {
  t.same(needs({ scopes: ['https://api.example.com/read', 'a:b', '!#[]~'] }).scopes, ['https://api.example.com/read', 'a:b', '!#[]~'])
  for (const bad of ['a b', 'a"b', 'a\\b', '', 'é', 'a\tb', 'a\nb']) {
    rejectsRequirement(t, { scopes: [bad] }, 'config.auth.scopes', `scope ${JSON.stringify(bad)}`)
    rejectsRequirement(t, { anyScopes: [bad] }, 'config.auth.anyScopes', `anyScope ${JSON.stringify(bad)}`)
  }
  const err = rejectsRequirement(t, { scopes: 42 }, 'config.auth.scopes', 'a number')
  t.match(err.message, /RFC 6749 §3\.3\) \(got 42\)$/)
  t.match(rejectsRequirement(t, { scopes: ['a/b', 'c d'] }, 'config.auth.scopes').message, /\(got "c d"\)$/, 'the first scope that is wrong is quoted')
  t.match(rejectsRequirement(t, { anyScopes: 'a"b' }, 'config.auth.anyScopes').message, /\(got "a\\"b"\)$/)
})

t.test('accepts any non-empty group name', async (t) => {
  t.same(needs({ groups: ['Team Admins', 'ops"'] }).groups, ['Team Admins', 'ops"'])
  const err = rejectsRequirement(t, { groups: [''] }, 'config.auth.groups', 'an empty group')
  t.notMatch(err.message, /RFC 6749/)
  rejectsRequirement(t, { anyGroups: [7] }, 'config.auth.anyGroups', 'a numeric group')
  t.match(rejectsRequirement(t, { groups: { admin: true } }, 'config.auth.groups', 'an object').message, /\(got an object\)$/)
  t.match(err.message, /\(got ""\)$/, 'the empty group is quoted')
})

t.test('refuses an any-of list that no token could satisfy', async (t) => {
  rejectsRequirement(t, { anyScopes: [] }, 'config.auth.anyScopes')
  rejectsRequirement(t, { anyGroups: [] }, 'config.auth.anyGroups')
})

t.test('accepts tokenUse access or id only', async (t) => {
  for (const [bad, got] of [['refresh', '"refresh"'], [null, 'null'], [1, '1']]) {
    t.match(rejectsRequirement(t, { tokenUse: bad }, 'config.auth.tokenUse', `tokenUse ${JSON.stringify(bad)}`).message, `(got ${got as string})`)
  }
})

t.test('rejects requirements that are not an object, or name an unknown member', async (t) => {
  for (const bad of [null, undefined, [], 'scope', 42]) rejectsRequirement(t, bad, 'config.auth', JSON.stringify(bad))
  rejectsRequirement(t, { scope: 'a' }, 'config.auth.scope', 'scope for scopes')
  const err = rejectsRequirement(t, { roles: ['a'] }, 'config.auth.roles')
  t.match(err.message, /claims, anyClaims/, 'the message lists what is known')
  t.match(err.message, /\(got an array\)$/)
  t.match(rejectsRequirement(t, 'scope', 'config.auth').message, /must be an object \(got "scope"\)$/)
  t.equal(needs({ claims: {} }).any, false, 'an empty claims object requires nothing, as scopes: [] does')
})

t.test('requires every scope of scopes, and names them all in the error', async (t) => {
  const c = needs({ scopes: ['a', 'b', 'c'] })
  checkRequirements(token(['a', 'b', 'c', 'd']), c)
  const one = throwsWith(t, () => checkRequirements(token(['a', 'b']), c), InsufficientScopeError, 'ERR_INSUFFICIENT_SCOPE')
  t.same(one.scopes, ['a', 'b', 'c'], 'the challenge lists the scopes that satisfy the route')
  t.match(one.message, /lacks the scope c required/)
  const two = throwsWith(t, () => checkRequirements(token(['a']), c), InsufficientScopeError, 'ERR_INSUFFICIENT_SCOPE')
  t.match(two.message, /lacks the scopes b c required/)
  t.equal(two.kind, 'insufficient_scope')
})

t.test('requires one scope of anyScopes', async (t) => {
  const c = needs({ anyScopes: ['read', 'admin'] })
  checkRequirements(token(['admin']), c)
  const err = throwsWith(t, () => checkRequirements(token(['write']), c), InsufficientScopeError, 'ERR_INSUFFICIENT_SCOPE')
  t.same(err.scopes, ['read', 'admin'])
})

t.test('requires every group of groups and one of anyGroups', async (t) => {
  checkRequirements(token([], ['admin', 'ops']), needs({ groups: ['admin', 'ops'] }))
  throwsWith(t, () => checkRequirements(token([], ['admin']), needs({ groups: ['admin', 'ops'] })), InsufficientGroupError, 'ERR_INSUFFICIENT_GROUP', 'one group missing')
  checkRequirements(token([], ['ops']), needs({ anyGroups: ['admin', 'ops'] }))
  const err = throwsWith(t, () => checkRequirements(token([], ['dev']), needs({ anyGroups: ['admin', 'ops'] })), InsufficientGroupError, 'ERR_INSUFFICIENT_GROUP', 'no group')
  t.equal(err.kind, 'insufficient_scope')
})

t.test('requires the route\'s token_use, as an authentication failure', async (t) => {
  checkRequirements(token([], [], 'id'), needs({ tokenUse: 'id' }))
  const err = throwsWith(t, () => checkRequirements(token([]), needs({ tokenUse: 'id' })), TokenUseMismatchError, 'ERR_TOKEN_USE_MISMATCH')
  t.equal(err.kind, 'invalid_token')
})

t.test('checks all requirements together', async (t) => {
  const c = needs({ scopes: 'a', anyScopes: ['b', 'c'], groups: 'g', anyGroups: ['h', 'i'], tokenUse: 'access' })
  checkRequirements(token(['a', 'c'], ['g', 'i']), c)
  throwsWith(t, () => checkRequirements(token(['a'], ['g', 'i']), c), InsufficientScopeError, 'ERR_INSUFFICIENT_SCOPE', 'anyScopes unmet')
  throwsWith(t, () => checkRequirements(token(['a', 'b'], ['g']), c), InsufficientGroupError, 'ERR_INSUFFICIENT_GROUP', 'anyGroups unmet')
})

t.test('compiles claim requirements under the route\'s own option name', async (t) => {
  const c = needs({ claims: { 'realm_access.roles': 'admin' }, anyClaims: { tenant: ['a', 'b'] } })
  t.same(c.claims.map((n) => n.names), [['realm_access', 'roles']])
  t.same(c.anyClaims.map((n) => n.values), [['a', 'b']])
  rejectsRequirement(t, { claims: { 'realm_access.roles': 7n } }, 'config.auth.claims.realm_access.roles')
  rejectsRequirement(t, { anyClaims: { tenant: [] } }, 'config.auth.anyClaims.tenant')
  rejectsRequirement(t, { anyClaims: {} }, 'config.auth.anyClaims')
  rejectsRequirement(t, { claims: 'tenant' }, 'config.auth.claims')
})

t.test('requires claims after scopes and groups, with 403 and the unmet paths', async (t) => {
  const kc = { realm_access: { roles: ['admin'] }, tenant: 'acme' }
  const c = needs({ scopes: 'a', claims: { 'realm_access.roles': 'admin' }, anyClaims: { tenant: ['acme', 'globex'], level: 3 } })
  checkRequirements(token(['a'], [], 'access', kc), c)
  throwsWith(t, () => checkRequirements(token([], [], 'access', kc), c), InsufficientScopeError, 'ERR_INSUFFICIENT_SCOPE', 'scopes first')
  const all = throwsWith(t, () => checkRequirements(token(['a'], [], 'access', { tenant: 'acme' }), c), InsufficientClaimError, 'ERR_INSUFFICIENT_CLAIM', 'role missing')
  t.same(all.claims, ['realm_access.roles'])
  t.equal(all.kind, 'insufficient_scope')
  t.match(all.message, /realm_access\.roles claim/)
  t.notMatch(all.message, /admin/, 'the message names the claim, not the value the route wants')
  const anyOf = throwsWith(t, () => checkRequirements(token(['a'], [], 'access', { ...kc, tenant: 'initech' }), c), InsufficientClaimError, 'ERR_INSUFFICIENT_CLAIM', 'no tenant')
  t.same(anyOf.claims, ['tenant', 'level'])
  t.notMatch(anyOf.message, /acme|globex|initech/)
  checkRequirements(token(['a'], [], 'access', { ...kc, tenant: 'initech', level: 3 }), c)
})

t.test('applies claim requirements to a token the verifier verified', async (t) => {
  const fx = await issuerFixture(t)
  const verified = await fx.verifier.verify(await fx.token({ realm_access: { roles: ['admin'] }, permissions: ['read:tx'] }))
  checkRequirements(verified, needs({ claims: { 'realm_access.roles': 'admin', permissions: 'read:tx' } }))
  throwsWith(t, () => checkRequirements(verified, needs({ claims: { permissions: 'write:tx' } })), InsufficientClaimError, 'ERR_INSUFFICIENT_CLAIM')
})
