import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { loadConfigFile, saveConfigFile } from '../../../src/issuer/config/config-file.js'
import { issuerConfig } from '../../helpers/issuer-fixtures.js'

t.test('saves a config with mode 0600 and loads it back', async (t) => {
  const path = join(t.testdir(), 'issuer.json')
  const document = await issuerConfig()
  const saved = await saveConfigFile(path, document)
  t.equal(saved.poolId, document.poolId)
  t.equal((await stat(path)).mode & 0o777, 0o600)
  const loaded = await loadConfigFile(path)
  t.same(loaded.document, document)
  t.equal(loaded.resolved.clients.size, 3)
})

t.test('names the file and the field when the file is wrong', async (t) => {
  const dir = t.testdir({ 'bad.json': JSON.stringify({ poolId: 'local-1_x', resourceServers: [], clients: [{ clientId: 'a', allowedOAuthFlows: ['client_credentials'], allowedOAuthScopes: [] }] }) })
  await t.rejects(loadConfigFile(join(dir, 'bad.json')), {
    name: 'TypeError',
    code: 'ERR_ISSUER_CONFIG',
    field: 'clients[0].secretHash',
    source: join(dir, 'bad.json')
  })
})

t.test('writes nothing when the document is invalid', async (t) => {
  const path = join(t.testdir(), 'issuer.json')
  await t.rejects(saveConfigFile(path, { poolId: 'nope', resourceServers: [], clients: [] }), { code: 'ERR_ISSUER_CONFIG', field: 'poolId' })
  await t.rejects(readFile(path), { code: 'ENOENT' })
})

t.test('reports a missing file', async (t) => {
  await t.rejects(loadConfigFile(join(t.testdir(), 'missing.json')), { code: 'ERR_ISSUER_FILE' })
})
