import t from 'tap'
import { DEFAULT_SCRYPT_PARAMS, hashSecret, MAX_SECRET_LENGTH, parseSecretHash, verifySecret } from '../../../src/issuer/clients/secrets.js'
import { FAST_SCRYPT } from '../../helpers/issuer-fixtures.js'

t.test('stores a secret as a self-describing scrypt hash with a fresh salt', async (t) => {
  const one = await hashSecret('s3cret', FAST_SCRYPT)
  const two = await hashSecret('s3cret', FAST_SCRYPT)
  t.match(one, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
  t.not(one, two, 'two hashes of one secret differ by their salt')
  t.notMatch(one, /s3cret/)
})

t.test('uses N = 2^14, r = 8, p = 1 by default', async (t) => {
  t.same(DEFAULT_SCRYPT_PARAMS, { logN: 14, r: 8, p: 1 })
  t.match(await hashSecret('s3cret'), /^\$scrypt\$ln=14,r=8,p=1\$/)
})

t.test('verifies the right secret and refuses a wrong one', async (t) => {
  const stored = parseSecretHash(await hashSecret('s3cret', FAST_SCRYPT))
  t.ok(stored)
  t.equal(await verifySecret('s3cret', stored!), true)
  t.equal(await verifySecret('s3creT', stored!), false)
  t.equal(await verifySecret('', stored!), false)
})

t.test('refuses a presented secret longer than the maximum, after the same work', async (t) => {
  const long = 'x'.repeat(MAX_SECRET_LENGTH)
  const stored = parseSecretHash(await hashSecret(long, FAST_SCRYPT))!
  t.equal(await verifySecret(long, stored), true)
  t.equal(await verifySecret(`${long}y`, stored), false, 'the first 512 characters match, but the secret is too long')
})

t.test('refuses to hash an empty or oversized secret, or with insane parameters', async (t) => {
  await t.rejects(hashSecret(''), TypeError)
  await t.rejects(hashSecret('x'.repeat(MAX_SECRET_LENGTH + 1)), TypeError)
  await t.rejects(hashSecret(42 as unknown as string), TypeError)
  await t.rejects(hashSecret('x', { logN: 9, r: 8, p: 1 }), /scrypt parameters/)
  await t.rejects(hashSecret('x', { logN: 20, r: 32, p: 1 }), /scrypt parameters/, 'over 256 MiB of memory')
})

t.test('parses only hashes it could have written', async (t) => {
  const good = await hashSecret('s3cret', FAST_SCRYPT)
  const [, , , salt, hash] = good.split('$') as [string, string, string, string, string]
  t.same(parseSecretHash(good)?.logN, 10)
  t.equal(parseSecretHash(42), undefined)
  t.equal(parseSecretHash('s3cret'), undefined, 'a plain-text secret')
  t.equal(parseSecretHash(`$argon2id$ln=10,r=8,p=1$${salt}$${hash}`), undefined)
  t.equal(parseSecretHash(`$scrypt$ln=9,r=8,p=1$${salt}$${hash}`), undefined, 'too cheap')
  t.equal(parseSecretHash(`$scrypt$ln=21,r=8,p=1$${salt}$${hash}`), undefined, 'too costly')
  t.equal(parseSecretHash(`$scrypt$ln=10,r=0,p=1$${salt}$${hash}`), undefined)
  t.equal(parseSecretHash(`$scrypt$ln=10,r=33,p=1$${salt}$${hash}`), undefined)
  t.equal(parseSecretHash(`$scrypt$ln=10,r=8,p=0$${salt}$${hash}`), undefined)
  t.equal(parseSecretHash(`$scrypt$ln=10,r=8,p=17$${salt}$${hash}`), undefined)
  t.equal(parseSecretHash(`$scrypt$ln=10,r=8,p=1$${salt.slice(0, 20)}$${hash}`), undefined, 'salt under 16 bytes')
  t.equal(parseSecretHash(`$scrypt$ln=10,r=8,p=1$${salt}$${hash.slice(0, 40)}`), undefined, 'hash under 32 bytes')
  t.equal(parseSecretHash(`$scrypt$ln=10,r=8,p=1$${salt}$${hash}${hash}${hash}`), undefined, 'hash over 64 bytes')
  t.equal(parseSecretHash(`$scrypt$ln=10,r=8,p=1$${salt}$${hash.slice(0, -1)}B`), undefined, 'non-canonical base64url')
})
