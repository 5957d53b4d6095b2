import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { hashToken, RefreshStore } from '../../../src/issuer/flow/refresh-store.js'
import { manualClock } from '../../helpers/jwks-server.js'

const grant = { clientId: 'web', sub: 'u', scopes: ['openid'], originJti: 'o1', authTime: 1, validitySeconds: 3600 }

t.test('keeps only the hash of a refresh token, in a file that survives a restart', async (t) => {
  const file = join(t.testdir(), 'refresh.json')
  const clock = manualClock()
  const store = await RefreshStore.open(file, clock.now)
  const token = await store.issue(grant)
  t.match(token, /^[\w-]{43}$/)
  const text = await readFile(file, 'utf8')
  t.notOk(text.includes(token), 'the token itself is not stored')
  t.ok(text.includes(hashToken(token)))
  const reopened = await RefreshStore.open(file, clock.now)
  t.match(reopened.find(token), { clientId: 'web', sub: 'u', state: 'active', originJti: 'o1' })
  t.equal(reopened.find('another'), undefined)
})

t.test('forgets expired tokens and revocations', async (t) => {
  const file = join(t.testdir(), 'refresh.json')
  const clock = manualClock()
  const store = await RefreshStore.open(file, clock.now)
  const token = await store.issue(grant)
  const record = store.find(token)!
  await store.revokeFamily(record.familyId, 'o1', clock.now() + 1000)
  t.equal(store.find(token)?.state, 'revoked')
  t.ok(store.isOriginRevoked('o1'))
  t.notOk(store.isOriginRevoked('o2'))
  clock.advance(1000)
  t.notOk(store.isOriginRevoked('o1'), 'a revocation ends when the last token it covers expired')
  clock.advance(3600 * 1000)
  t.equal(store.find(token), undefined, 'expired')
  await store.issue(grant)
  const document = JSON.parse(await readFile(file, 'utf8'))
  t.equal(document.tokens.length, 1, 'expired entries leave the file at the next write')
  t.same(document.revokedOrigins, [])
})

t.test('marks rotated tokens and revokes a family without an origin', async (t) => {
  const clock = manualClock()
  const store = await RefreshStore.open(undefined, clock.now)
  const token = await store.issue({ ...grant, familyId: 'fam' })
  const record = store.find(token)!
  t.equal(record.familyId, 'fam')
  await store.markRotated(record)
  t.equal(store.find(token)?.state, 'rotated')
  await store.revokeFamily('fam', undefined, 0)
  t.equal(store.find(token)?.state, 'revoked')
  store.revokeOrigin('o', clock.now() + 10)
  store.revokeOrigin('o', clock.now() + 5)
  clock.advance(7)
  t.ok(store.isOriginRevoked('o'), 'a shorter revocation does not shorten a longer one')
})

t.test('reads what it can of a file edited by hand, and skips the rest', async (t) => {
  const clock = manualClock()
  const dir = t.testdir()
  await writeFile(join(dir, 'odd.json'), JSON.stringify({ tokens: [null, { hash: 1 }, { hash: 'h', expiresAt: clock.now() - 1 }], revokedOrigins: [null, { originJti: 'x', until: clock.now() + 10 }] }))
  const store = await RefreshStore.open(join(dir, 'odd.json'), clock.now)
  t.ok(store.isOriginRevoked('x'))
  await writeFile(join(dir, 'empty.json'), '{}')
  t.ok(await RefreshStore.open(join(dir, 'empty.json'), clock.now))
  await writeFile(join(dir, 'broken.json'), '{')
  await t.rejects(RefreshStore.open(join(dir, 'broken.json'), clock.now), { code: 'ERR_ISSUER_FILE' })
})

t.test('a failed write does not stop later writes', async (t) => {
  const dir = t.testdir()
  const store = await RefreshStore.open(join(dir, 'missing-dir', 'refresh.json'), manualClock().now)
  await t.rejects(store.issue(grant), { code: 'ERR_ISSUER_FILE' })
  await t.rejects(store.issue(grant), { code: 'ERR_ISSUER_FILE' }, 'the next write is attempted again')
})
