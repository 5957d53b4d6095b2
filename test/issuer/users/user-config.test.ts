import t, { type Test } from 'tap'
import { validateConfig, type IssuerConfig } from '../../../src/issuer/config/config.js'
import { userPoolConfig, USERS } from '../../helpers/user-flow.js'

const base = await userPoolConfig()

function rejects (t: Test, edit: (c: any) => void, field: string, says?: RegExp): void {
  const copy = structuredClone(base) as any
  edit(copy)
  t.throws(() => validateConfig(copy as IssuerConfig, 'issuer.json'), { code: 'ERR_ISSUER_CONFIG', field }, field)
  if (says !== undefined) {
    try { validateConfig(copy as IssuerConfig) } catch (err) { t.match((err as Error).message, says) }
  }
}

t.test('resolves users by lowercase username, with their attributes and groups', async (t) => {
  const config = validateConfig(base)
  const jane = config.users.get('jane')
  t.equal(jane?.sub, USERS.jane.sub)
  t.same(jane?.attributes, { email: USERS.jane.email, email_verified: true, name: 'Jane Doe' })
  t.same(jane?.groups, ['admins', 'readers'])
  t.same(config.users.get('bob')?.attributes, {}, 'attributes default to none')
  t.same(config.users.get('bob')?.groups, [])
  t.equal(validateConfig({ poolId: 'local-1_x', resourceServers: [], clients: [] }).users.size, 0, 'users are optional')
})

t.test('names the wrong field of a user', async (t) => {
  rejects(t, (c) => { c.users = {} }, 'users')
  rejects(t, (c) => { c.users[0].username = 'jane doe' }, 'users[0].username', /letters, digits and _.@\+-/)
  rejects(t, (c) => { c.users[1].username = 'JANE' }, 'users[1].username', /not case-sensitive/)
  rejects(t, (c) => { c.users[0].sub = 'not-a-uuid' }, 'users[0].sub')
  rejects(t, (c) => { c.users[1].sub = c.users[0].sub }, 'users[1].sub', /repeats/)
  rejects(t, (c) => { c.users[0].passwordHash = 'hunter2' }, 'users[0].passwordHash', /set-password/)
  rejects(t, (c) => { c.users[0].attributes = [] }, 'users[0].attributes')
  rejects(t, (c) => { c.users[0].attributes = { shoe_size: '44' } }, 'users[0].attributes.shoe_size', /custom:<name>/)
  rejects(t, (c) => { c.users[0].attributes = { email_verified: 'yes' } }, 'users[0].attributes.email_verified', /true or false/)
  rejects(t, (c) => { c.users[0].attributes = { email: '' } }, 'users[0].attributes.email')
  rejects(t, (c) => { c.users[0].groups = ['a', 'a'] }, 'users[0].groups[1]', /repeats/)
  rejects(t, (c) => { c.users[0].groups = ['a b'] }, 'users[0].groups[0]')
  rejects(t, (c) => { c.users[0].password = 'x' }, 'users[0].password', /not a known field/)
  const custom = structuredClone(base) as any
  custom.users[0].attributes = { 'custom:team': 'blue' }
  t.equal(validateConfig(custom).users.get('jane')?.attributes['custom:team'], 'blue', 'custom attributes are accepted')
})
