import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import {
  addClient, addClientToFile, addResourceServer, addResourceServerToFile, createConfig, initConfigFile, rotateKeyFile
} from '../../../src/issuer/config/admin.js'
import { loadConfigFile, saveConfigFile } from '../../../src/issuer/config/config-file.js'
import { KeyStore } from '../../../src/issuer/keys/key-store.js'
import { readJsonFile } from '../../../src/issuer/config/json-file.js'
import { parseSecretHash, verifySecret } from '../../../src/issuer/clients/secrets.js'
import type { KeyDocument } from '../../../src/issuer/keys/key-file.js'
import { issuerConfig } from '../../helpers/issuer-fixtures.js'

const quiet = { warn: () => {}, error: () => {} }

t.test('creates a pool with a generated, Cognito-shaped id', async (t) => {
  const config = createConfig()
  t.match(config, { version: 1, poolId: /^local-1_[A-Za-z0-9]{9}$/, resourceServers: [], clients: [] })
  t.notOk('poolName' in config)
  t.match(createConfig({ poolId: 'eu-west-1_AbC', poolName: 'myblog' }), { poolId: 'eu-west-1_AbC', poolName: 'myblog' })
  t.throws(() => createConfig({ poolId: 'bad' }), { code: 'ERR_ISSUER_CONFIG', field: 'poolId' })
})

t.test('adds a resource server like create-resource-server', async (t) => {
  const config = addResourceServer(createConfig(), { identifier: 'transactions', scopes: [{ name: 'get', description: 'get_tx' }, { name: 'post' }] })
  t.same(config.resourceServers, [{ identifier: 'transactions', name: 'transactions', scopes: [{ name: 'get', description: 'get_tx' }, { name: 'post', description: 'post' }] }])
  t.same(addResourceServer(createConfig(), { identifier: 'x', name: 'X service' }).resourceServers[0], { identifier: 'x', name: 'X service', scopes: [] })
  t.throws(() => addResourceServer(config, { identifier: 'transactions' }), { code: 'ERR_ISSUER_CONFIG', field: 'resourceServers[1].identifier' })
  t.throws(() => addResourceServer(config, { identifier: 'y', scopes: [{ name: 'a/b' }] }), { code: 'ERR_ISSUER_CONFIG', field: 'resourceServers[1].scopes[0].name' })
})

t.test('adds a client with a generated id and secret, storing only the hash', async (t) => {
  const base = addResourceServer(createConfig(), { identifier: 'transactions', scopes: [{ name: 'get' }, { name: 'post' }] })
  const { document, clientId, clientSecret } = await addClient(base, { clientName: 'test', scopes: ['transactions/post'] })
  t.match(clientId, /^[a-z0-9]{26}$/)
  t.match(clientSecret, /^[a-z0-9]{51}$/)
  const stored = document.clients[0]!
  t.match(stored, { clientId, clientName: 'test', allowedOAuthFlows: ['client_credentials'], allowedOAuthScopes: ['transactions/post'], accessTokenValiditySeconds: 3600 })
  t.notMatch(JSON.stringify(document), clientSecret, 'the secret is not in the document')
  t.ok(await verifySecret(clientSecret, parseSecretHash(stored.secretHash)!), 'its hash is')
  t.equal(base.clients.length, 0, 'the input document is left alone')

  const chosen = await addClient(document, { clientId: 'my_client', secret: 'chosen', scopes: ['transactions/get'], accessTokenValiditySeconds: 300 })
  t.equal(chosen.clientId, 'my_client')
  t.equal(chosen.clientSecret, 'chosen')
  t.notOk('clientName' in chosen.document.clients[1]!)
  await t.rejects(addClient(document, { scopes: ['transactions/delete'] }), { code: 'ERR_ISSUER_CONFIG', field: 'clients[1].allowedOAuthScopes[0]' })
  await t.rejects(addClient(document, { scopes: [] }), { code: 'ERR_ISSUER_CONFIG', field: 'clients[1].allowedOAuthScopes' })
  await t.rejects(addClient(document, { clientId, scopes: ['transactions/get'] }), { code: 'ERR_ISSUER_CONFIG', field: 'clients[1].clientId' })
})

t.test('initialises a config file, and will not overwrite one unless forced', async (t) => {
  const path = join(t.testdir(), 'issuer.json')
  const config = await initConfigFile(path, { poolName: 'myblog', resourceServer: { identifier: 'transactions', scopes: [{ name: 'get' }] } })
  t.equal((await stat(path)).mode & 0o777, 0o600)
  t.same((await loadConfigFile(path)).document, config)
  await t.rejects(initConfigFile(path), { code: 'ERR_ISSUER_FILE', message: /already exists/ })
  const replaced = await initConfigFile(path, { force: true })
  t.not(replaced.poolId, config.poolId)
  t.same(replaced.resourceServers, [])
})

t.test('adds resource servers and clients to a config file', async (t) => {
  const path = join(t.testdir(), 'issuer.json')
  await initConfigFile(path)
  await addResourceServerToFile(path, { identifier: 'transactions', scopes: [{ name: 'post' }] })
  const { clientId, clientSecret } = await addClientToFile(path, { scopes: ['transactions/post'] })
  const { resolved } = await loadConfigFile(path)
  t.ok(resolved.clients.has(clientId))
  t.notMatch(JSON.stringify(await readJsonFile(path)), clientSecret)
})

t.test('rotates a key file that running instances share', async (t) => {
  const dir = t.testdir()
  const keyFile = join(dir, 'keys.json')
  const configFile = join(dir, 'issuer.json')
  await saveConfigFile(configFile, await issuerConfig())
  const now = Date.parse('2027-01-01T00:00:00.000Z')
  await KeyStore.open({ keyFile, algorithm: 'RS256', clock: () => now, checkIntervalMs: 0, retireAfterMs: 0, log: quiet })

  const first = await rotateKeyFile(keyFile, { configFile, clock: () => now, publishLeadSeconds: 60 })
  t.equal(first.next.activateAt, '2027-01-01T00:01:00.000Z')
  const second = await rotateKeyFile(keyFile, { configFile, clock: () => now + 61_000 })
  t.same(second.retiring, [{ kid: first.active.kid, retireAt: '2027-01-01T01:06:00.000Z' }], 'retires after the longest validity (3600 s) plus 300 s')
  t.equal(second.active.kid, first.next.kid)
  t.equal(second.next.alg, 'RS256')
  const ec = await rotateKeyFile(keyFile, { configFile, clock: () => now + 61_000, algorithm: 'ES256' })
  t.equal(ec.active.alg, 'ES256', 'a new algorithm gets its own key')
  const third = await rotateKeyFile(keyFile, { configFile, clock: () => now + 70 * 60_000, retireMarginSeconds: 0 })
  t.same(third.removed, [first.active.kid], 'the first key is gone once its last token expired')
  t.same(third.retiring.map((r) => r.kid), [first.next.kid])
  t.equal(((await readJsonFile(keyFile)) as KeyDocument).keys.length, 4)

  const fourth = await rotateKeyFile(keyFile, { configFile, clock: () => now + 5 * 3_600_000 })
  t.equal(Date.parse(fourth.next.activateAt) - (now + 5 * 3_600_000), 1_200_000, 'the default lead is 1200 s')
  t.equal(fourth.next.alg, 'RS256', 'without an algorithm, the first one of the file rotates')
})

t.test('assumes the longest validity Cognito allows when it is not told the config', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const now = Date.parse('2027-01-01T00:00:00.000Z')
  await KeyStore.open({ keyFile, algorithm: 'RS256', clock: () => now, checkIntervalMs: 0, retireAfterMs: 0, log: quiet })
  const first = await rotateKeyFile(keyFile, { clock: () => now, publishLeadSeconds: 0 })
  const second = await rotateKeyFile(keyFile, { clock: () => now })
  t.same(second.retiring, [{ kid: first.active.kid, retireAt: '2027-01-02T00:05:00.000Z' }])
})

t.test('refuses to rotate a missing or broken key file, or with bad timings', async (t) => {
  const dir = t.testdir()
  await t.rejects(rotateKeyFile(join(dir, 'missing.json')), { code: 'ERR_ISSUER_FILE' })
  await writeFile(join(dir, 'bad.json'), '{"version":1,"keys":[]}')
  await t.rejects(rotateKeyFile(join(dir, 'bad.json')), { code: 'ERR_ISSUER_CONFIG', field: 'keys' })
  await t.rejects(rotateKeyFile(join(dir, 'bad.json'), { publishLeadSeconds: -5 }), { code: 'ERR_INVALID_OPTION', option: 'publishLeadSeconds' })
  await t.rejects(rotateKeyFile(join(dir, 'bad.json'), { retireMarginSeconds: 0.5 }), { code: 'ERR_INVALID_OPTION', option: 'retireMarginSeconds' })
})
