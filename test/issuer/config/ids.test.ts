import t from 'tap'
import { generateClientId, generateClientSecret, generatePoolId, randomString } from '../../../src/issuer/config/ids.js'
import { POOL_ID } from '../../../src/issuer/config/config.js'

t.test('generates client ids of 26 lowercase letters and digits, like Cognito', async (t) => {
  const ids = new Set(Array.from({ length: 50 }, generateClientId))
  t.equal(ids.size, 50)
  for (const id of ids) t.match(id, /^[a-z0-9]{26}$/)
})

t.test('generates secrets of 51 lowercase letters and digits', async (t) => {
  t.match(generateClientSecret(), /^[a-z0-9]{51}$/)
  t.not(generateClientSecret(), generateClientSecret())
})

t.test('generates Cognito-shaped pool ids in the local-1 region', async (t) => {
  const id = generatePoolId()
  t.match(id, /^local-1_[A-Za-z0-9]{9}$/)
  t.match(id, POOL_ID)
  t.match(generatePoolId('eu-west-1'), /^eu-west-1_/)
})

t.test('draws every character of the alphabet', async (t) => {
  t.same(new Set(randomString(400, 'ab')), new Set(['a', 'b']))
  t.equal(randomString(0, 'ab'), '')
})
