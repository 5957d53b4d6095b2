import { join } from 'node:path'
import t from 'tap'
import { loadConfigFile, saveConfigFile } from '../../../src/issuer/config/config-file.js'
import { validateConfig } from '../../../src/issuer/config/config.js'
import { readJsonFile } from '../../../src/issuer/config/json-file.js'
import { configUserStore } from '../../../src/issuer/users/config-user-store.js'
import { addUser, addUserToFile, removeUser, removeUserFromFile, setUserPassword, setUserPasswordInFile } from '../../../src/issuer/users/user-admin.js'
import { issuerConfig } from '../../helpers/issuer-fixtures.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('adds a user with a new sub and only the hash of the password', async (t) => {
  const { document, sub } = await addUser(await issuerConfig(), { username: 'jane', password: 'correct horse battery', attributes: { email: 'jane@example.com' }, groups: ['admins'] })
  t.match(sub, UUID)
  t.notMatch(JSON.stringify(document), /correct horse/)
  const store = configUserStore(validateConfig(document).users)
  t.equal((await store.authenticate('jane', 'correct horse battery'))?.sub, sub)
  const plain = await addUser(document, { username: 'bob', password: 'bob-password', sub: '6a2d2f6b-1e1f-4d20-8b54-1c907c303b22' })
  t.same(plain.document.users?.[1], { username: 'bob', sub: '6a2d2f6b-1e1f-4d20-8b54-1c907c303b22', passwordHash: plain.document.users?.[1]?.passwordHash })
})

t.test('refuses short passwords and repeated usernames', async (t) => {
  const doc = await issuerConfig()
  await t.rejects(addUser(doc, { username: 'jane', password: 'short' }), { code: 'ERR_ISSUER_USAGE', message: /8 to 256/ })
  await t.rejects(addUser(doc, { username: 'jane', password: 'x'.repeat(257) }), { code: 'ERR_ISSUER_USAGE' })
  const { document } = await addUser(doc, { username: 'jane', password: 'long enough' })
  await t.rejects(addUser(document, { username: 'JANE', password: 'long enough' }), { code: 'ERR_ISSUER_CONFIG', field: 'users[1].username' })
})

t.test('sets a password and removes a user', async (t) => {
  const { document } = await addUser(await issuerConfig(), { username: 'jane', password: 'first password' })
  const changed = await setUserPassword(document, 'Jane', 'second password')
  const store = configUserStore(validateConfig(changed).users)
  t.equal(await store.authenticate('jane', 'first password'), undefined)
  t.ok(await store.authenticate('jane', 'second password'))
  t.same(removeUser(changed, 'jane').users, [])
  t.throws(() => removeUser(changed, 'bob'), { code: 'ERR_ISSUER_USAGE', message: /no user "bob"/ })
  const empty = await issuerConfig()
  t.throws(() => removeUser(empty, 'bob'), { code: 'ERR_ISSUER_USAGE' })
  await t.rejects(setUserPassword(changed, 'bob', 'long enough'), { code: 'ERR_ISSUER_USAGE' })
  await t.rejects(setUserPassword(empty, 'bob', 'long enough'), { code: 'ERR_ISSUER_USAGE' }, 'a pool without users')
})

t.test('works on a config file', async (t) => {
  const path = join(t.testdir(), 'issuer.json')
  await saveConfigFile(path, await issuerConfig())
  const { sub } = await addUserToFile(path, { username: 'jane', password: 'first password' })
  await setUserPasswordInFile(path, 'jane', 'second password')
  const store = configUserStore((await loadConfigFile(path)).resolved.users)
  t.equal((await store.authenticate('jane', 'second password'))?.sub, sub)
  t.notMatch(JSON.stringify(await readJsonFile(path)), /password"/)
  await removeUserFromFile(path, 'jane')
  t.same((await loadConfigFile(path)).document.users, [])
})
