import t from 'tap'
import type { TokenIdentity } from '../../src/verifier/claims.js'
import { createVerifiedToken } from '../../src/verifier/verified-token.js'
import { NOW_S } from '../helpers/keys.js'

const ISS = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'

const identity = (): TokenIdentity => ({
  sub: 'user-1',
  tokenUse: 'access',
  clientId: 'client-abc',
  username: 'alice',
  scopes: ['transactions/get', 'transactions/post'],
  groups: ['admin'],
  roles: [],
  entitlements: []
})

const payload = { iss: ISS, sub: 'user-1', exp: NOW_S + 60, iat: NOW_S, nested: { deep: { list: [1, { x: 2 }] } } }

t.test('carries the identity, issuer, header and every claim', async (t) => {
  const token = createVerifiedToken(identity(), { alg: 'RS256', kid: 'k1' }, ISS, payload)
  t.equal(token.sub, 'user-1')
  t.equal(token.tokenUse, 'access')
  t.equal(token.clientId, 'client-abc')
  t.equal(token.username, 'alice')
  t.same(token.scopes, ['transactions/get', 'transactions/post'])
  t.same(token.groups, ['admin'])
  t.equal(token.issuer, ISS)
  t.equal(token.alg, 'RS256')
  t.equal(token.kid, 'k1')
  t.equal(token.expiresAt, NOW_S + 60)
  t.same(token.claims, payload)
})

t.test('answers scope and group questions exactly', async (t) => {
  const token = createVerifiedToken(identity(), { alg: 'RS256', kid: 'k1' }, ISS, payload)
  t.ok(token.hasScope('transactions/get'))
  t.notOk(token.hasScope('transactions'))
  t.notOk(token.hasScope('transactions/get transactions/post'))
  t.ok(token.inGroup('admin'))
  t.notOk(token.inGroup('Admin'))
})

t.test('freezes everything, so a cached token is safe to share', async (t) => {
  const token = createVerifiedToken(identity(), { alg: 'RS256', kid: 'k1' }, ISS, payload)
  t.ok(Object.isFrozen(token))
  t.ok(Object.isFrozen(token.scopes))
  t.ok(Object.isFrozen(token.groups))
  t.ok(Object.isFrozen(token.claims))
  const nested = token.claims.nested as { deep: { list: [number, { x: number }] } }
  t.ok(Object.isFrozen(nested.deep.list[1]), 'nested claims are frozen too')
  t.throws(() => { (token as { sub: string }).sub = 'admin' }, TypeError)
  t.throws(() => { (token.scopes as string[]).push('admin') }, TypeError)
})

t.test('takes its lists and claims over, frozen in place, so nobody can change them later', async (t) => {
  const id = { ...identity(), scopes: ['a'], groups: ['g'] }
  const claims = { ...payload }
  const token = createVerifiedToken(id, { alg: 'RS256', kid: 'k1' }, ISS, claims)
  t.equal(token.scopes, id.scopes, 'not copied: the verifier builds them fresh for each token')
  t.equal(token.claims, claims)
  t.throws(() => { id.scopes.push('b') }, TypeError)
  t.throws(() => { id.groups.push('h') }, TypeError)
  t.throws(() => { (claims as Record<string, unknown>).sub = 'admin' }, TypeError)
  t.same(token.scopes, ['a'])
  t.notOk(token.inGroup('h'))
})

t.test('leaves an already frozen claim as it is', async (t) => {
  const frozen = Object.freeze({ a: 1 })
  const token = createVerifiedToken(identity(), { alg: 'RS256', kid: 'k1' }, ISS, { ...payload, frozen, again: frozen })
  t.equal(token.claims.frozen, frozen)
  t.equal(token.claims.again, frozen)
})
