import { chmod, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { KeyStore, type KeyStoreOptions } from '../../../src/issuer/keys/key-store.js'
import { readJsonFile } from '../../../src/issuer/config/json-file.js'
import type { KeyDocument } from '../../../src/issuer/keys/key-file.js'
import { manualClock } from '../../helpers/jwks-server.js'

function recorder (): KeyStoreOptions['log'] & { warnings: Array<[object, string]>, errors: Array<[object, string]> } {
  const warnings: Array<[object, string]> = []
  const errors: Array<[object, string]> = []
  return { warnings, errors, warn: (o, m) => { warnings.push([o, m]) }, error: (o, m) => { errors.push([o, m]) } }
}

function options (keyFile: string | undefined, clock = manualClock(), log = recorder()): KeyStoreOptions {
  return { keyFile, algorithm: 'RS256', clock: clock.now, checkIntervalMs: 10_000, retireAfterMs: 3_900_000, log }
}

t.test('creates the key file with mode 0600 and one active key on first open', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const log = recorder()
  const store = await KeyStore.open(options(keyFile, manualClock(), log))
  t.equal((await stat(keyFile)).mode & 0o777, 0o600)
  const document = await readJsonFile(keyFile) as KeyDocument
  t.equal(document.keys.length, 1)
  t.equal(document.keys[0]?.state, 'active')
  t.equal(store.roles(Date.now()).signing.kid, document.keys[0]?.kid)
  t.same(log.warnings, [], 'a private file raises no warning')
})

t.test('opens an existing key file and signs with its key', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const first = await KeyStore.open(options(keyFile))
  const second = await KeyStore.open(options(keyFile))
  t.equal(second.roles(Date.now()).signing.kid, first.roles(Date.now()).signing.kid)
})

t.test('publishes only public key members, with kid, alg and use', async (t) => {
  const store = await KeyStore.open({ ...options(undefined), algorithm: 'ES256' })
  const { publicJwk } = store.roles(Date.now()).signing
  t.same(Object.keys(publicJwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
  t.match(publicJwk, { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
})

t.test('warns, without the key, when the key file can be read by others', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  await KeyStore.open(options(keyFile))
  await chmod(keyFile, 0o644)
  const log = recorder()
  await KeyStore.open(options(keyFile, manualClock(), log))
  t.equal(log.warnings.length, 1)
  t.match(log.warnings[0], [{ keyFile, mode: '644' }, /chmod 600/])
  t.notMatch(JSON.stringify(log.warnings), /"d"/)
})

t.test('keeps keys in memory when there is no key file', async (t) => {
  const clock = manualClock()
  const store = await KeyStore.open(options(undefined, clock))
  t.equal(store.document.keys.length, 1)
  await store.refresh()
  await store.reload()
  const result = await store.rotate(0)
  t.equal(store.roles(clock.now()).signing.kid, result.next.kid)
})

t.test('re-reads the key file at most once per check interval', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const clock = manualClock(Date.now())
  const store = await KeyStore.open(options(keyFile, clock))
  const other = await KeyStore.open(options(keyFile, clock))
  const { next } = await other.rotate(1_200_000)

  await store.refresh()
  t.equal(store.document.keys.length, 1, 'not yet: the interval has not passed')
  clock.advance(10_000)
  await store.refresh()
  t.same(store.roles(clock.now()).published.map((k) => k.kid).at(-1), next.kid, 'the rotation by the other instance is published')
})

t.test('keeps the last good keys when the key file breaks, and says why', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const clock = manualClock(Date.now())
  const log = recorder()
  const store = await KeyStore.open(options(keyFile, clock, log))
  const kid = store.roles(clock.now()).signing.kid
  await writeFile(keyFile, '{ broken')
  clock.advance(10_000)
  await store.refresh()
  t.equal(store.roles(clock.now()).signing.kid, kid)
  t.match(log.errors[0], [{ code: 'ERR_ISSUER_FILE', keyFile }, /keeping the last good keys/])
  await t.rejects(store.reload(), { code: 'ERR_ISSUER_FILE' }, 'an explicit reload reports the failure')
})

t.test('shares one reload between concurrent refreshes', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const clock = manualClock(Date.now())
  const store = await KeyStore.open(options(keyFile, clock))
  clock.advance(10_000)
  await Promise.all([store.refresh(), store.refresh(), store.refresh()])
  t.pass('no error')
})

t.test('rotates on the file as it is now, not as it was read', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const clock = manualClock(Date.now())
  const a = await KeyStore.open(options(keyFile, clock))
  const b = await KeyStore.open(options(keyFile, clock))
  const first = await a.rotate(1_200_000)
  const second = await b.rotate(1_200_000)
  t.equal(second.added, false, 'b sees the rotation a wrote')
  t.equal(second.next.kid, first.next.kid)
  const text = await readFile(keyFile, 'utf8')
  t.equal((JSON.parse(text) as KeyDocument).keys.length, 2)
})

t.test('holds a key for every algorithm a client chose, adding missing ones to the key file', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const clock = manualClock()
  const created = await KeyStore.open({ ...options(keyFile, clock), algorithms: ['PS256'] })
  t.same(created.document.keys.map((k) => k.alg), ['RS256', 'PS256'])
  const reopened = await KeyStore.open({ ...options(keyFile, clock), algorithms: ['PS256', 'ES256'] })
  t.same(reopened.document.keys.map((k) => k.alg), ['RS256', 'PS256', 'ES256'], 'a new algorithm gets a key at once')
  t.same((JSON.parse(await readFile(keyFile, 'utf8')) as KeyDocument).keys.map((k) => k.alg), ['RS256', 'PS256', 'ES256'], 'and the file is written')
  const now = clock.now()
  t.equal(reopened.signingKey(now, 'ES256').alg, 'ES256')
  t.equal(reopened.signingKey(now, 'PS256').alg, 'PS256')
  t.equal(reopened.signingKey(now, undefined).alg, 'RS256', 'the first algorithm of the file is the default')
  t.same(reopened.roles(now).published.map((k) => k.alg), ['RS256', 'PS256', 'ES256'])

  const memory = await KeyStore.open({ ...options(undefined, clock), algorithm: 'ES256', algorithms: ['ES256', 'RS256'] })
  t.same(memory.document.keys.map((k) => k.alg), ['ES256', 'RS256'])

  const { keys } = JSON.parse(await readFile(keyFile, 'utf8')) as KeyDocument
  await writeFile(keyFile, JSON.stringify({ version: 1, keys: keys.filter((k) => k.alg !== 'ES256') }))
  await reopened.reload()
  t.equal(reopened.signingKey(now, 'ES256').alg, 'RS256', 'a key file edited by hand to drop an algorithm falls back to the default key')
})
