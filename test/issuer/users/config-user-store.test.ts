import t from 'tap'
import { validateConfig } from '../../../src/issuer/config/config.js'
import { configUserStore } from '../../../src/issuer/users/config-user-store.js'
import { userPoolConfig, USERS } from '../../helpers/user-flow.js'

const store = configUserStore(validateConfig(await userPoolConfig()).users)

t.test('authenticates a user by username and password, without case in the username', async (t) => {
  const jane = await store.authenticate('Jane', USERS.jane.password)
  t.same(jane, { sub: USERS.jane.sub, username: 'jane', attributes: { email: USERS.jane.email, email_verified: true, name: 'Jane Doe' }, groups: ['admins', 'readers'] })
  t.notOk(JSON.stringify(jane).includes('scrypt'), 'no hash leaves the store')
})

t.test('answers a wrong password and an unknown user the same way', async (t) => {
  t.equal(await store.authenticate('jane', 'wrong password'), undefined)
  t.equal(await store.authenticate('nobody', USERS.jane.password), undefined)
  t.equal(await store.authenticate('nobody', ''), undefined)
})

t.test('finds a user by sub', async (t) => {
  t.equal((await store.findBySub(USERS.bob.sub))?.username, 'bob')
  t.equal(await store.findBySub('00000000-0000-4000-8000-000000000000'), undefined)
})

t.test('an empty store still spends a scrypt on every attempt', async (t) => {
  const empty = configUserStore(new Map())
  t.equal(await empty.authenticate('jane', 'anything'), undefined)
})
