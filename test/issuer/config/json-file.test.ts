import { promises } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { createJsonFile, readJsonFile, writeJsonFile } from '../../../src/issuer/config/json-file.js'

t.test('writes JSON with mode 0600 and leaves no temporary file', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'a.json')
  await writeJsonFile(path, { a: 1 })
  t.same(JSON.parse(await readFile(path, 'utf8')), { a: 1 })
  t.equal((await stat(path)).mode & 0o777, 0o600)
  t.same(await readdir(dir), ['a.json'])
})

t.test('replaces a file whole, and makes it private even if it was not', async (t) => {
  const dir = t.testdir({ 'a.json': '{"old":true}' })
  const path = join(dir, 'a.json')
  await writeJsonFile(path, { fresh: true })
  t.same(await readJsonFile(path), { fresh: true })
  t.equal((await stat(path)).mode & 0o777, 0o600)
})

t.test('reads JSON without letting __proto__ through', async (t) => {
  const dir = t.testdir({ 'p.json': '{"a":1,"__proto__":{"polluted":true}}' })
  const value = await readJsonFile(join(dir, 'p.json')) as Record<string, unknown>
  t.equal(value.a, 1)
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  t.notOk(Object.hasOwn(value, '__proto__'))
})

t.test('reports a missing or broken file with ERR_ISSUER_FILE', async (t) => {
  const dir = t.testdir({ 'broken.json': '{ nope' })
  await t.rejects(readJsonFile(join(dir, 'missing.json')), { code: 'ERR_ISSUER_FILE', message: /missing\.json: cannot be read \(ENOENT\)/ })
  await t.rejects(readJsonFile(join(dir, 'broken.json')), { code: 'ERR_ISSUER_FILE', message: /is not valid JSON/ })
})

t.test('reports a file that cannot be written or replaced', async (t) => {
  const dir = t.testdir({ sub: {} })
  await t.rejects(writeJsonFile(join(dir, 'no-such-dir', 'a.json'), {}), { code: 'ERR_ISSUER_FILE', message: /cannot be written \(ENOENT\)/ })
  await t.rejects(writeJsonFile(join(dir, 'sub'), {}), { code: 'ERR_ISSUER_FILE', message: /cannot be replaced/ }, 'a directory stands in the way')
  t.same(await readdir(dir), ['sub'], 'the temporary file is cleaned up')
})

t.test('creates a file only when it does not exist yet', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'keys.json')
  t.equal(await createJsonFile(path, { first: true }), true)
  t.equal(await createJsonFile(path, { second: true }), false)
  t.same(await readJsonFile(path), { first: true }, 'the first file is kept')
  t.equal((await stat(path)).mode & 0o777, 0o600)
  t.same(await readdir(dir), ['keys.json'])
})

t.test('explains a directory without hard links', async (t) => {
  t.capture(promises, 'link', async () => { throw Object.assign(new Error('no links'), { code: 'EPERM' }) })
  const dir = t.testdir()
  await t.rejects(createJsonFile(join(dir, 'keys.json'), {}), { code: 'ERR_ISSUER_FILE', message: /cannot be created \(EPERM; the directory must support hard links\)/ })
  t.same(await readdir(dir), [], 'the temporary file is cleaned up')
})

t.test('keeps writing through a concurrent writer', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'a.json')
  await Promise.all([writeJsonFile(path, { n: 1 }), writeJsonFile(path, { n: 2 })])
  t.match(await readJsonFile(path), { n: Number }, 'one whole document wins')
  t.same(await readdir(dir), ['a.json'])
})
