import t, { type Test } from 'tap'
import { validateConfig, type IssuerConfig } from '../../../src/issuer/config/config.js'
import { IssuerConfigError } from '../../../src/issuer/errors.js'
import { issuerConfig } from '../../helpers/issuer-fixtures.js'

const base = await issuerConfig()

/** A deep copy of the fixture config with `edit` applied. */
function edited (edit: (c: any) => void): IssuerConfig {
  const copy = structuredClone(base)
  edit(copy)
  return copy
}

function rejects (t: Test, edit: (c: any) => void, field: string, says?: RegExp): void {
  let caught: unknown
  try {
    validateConfig(edited(edit), 'issuer.json')
  } catch (err) {
    caught = err
  }
  t.ok(caught instanceof TypeError, `${field}: a TypeError`)
  t.ok(caught instanceof IssuerConfigError)
  const e = caught as IssuerConfigError
  t.equal(e.code, 'ERR_ISSUER_CONFIG')
  t.equal(e.field, field, `names ${field}`)
  t.equal(e.source, 'issuer.json')
  t.match(e.message, `issuer.json: "${field}"`)
  if (says !== undefined) t.match(e.message, says)
}

t.test('accepts the seed tutorial pool and fills in the defaults', async (t) => {
  const config = validateConfig(base)
  t.equal(config.poolId, 'local-1_AbCdEf123')
  t.equal(config.poolName, undefined)
  t.same(config.scopes, ['transactions/get', 'transactions/post'])
  t.equal(config.clients.size, 3)
  const poster = config.clients.get('poster0client0id0000000000')
  t.equal(poster?.accessTokenValiditySeconds, 3600, 'access tokens live 3600 s by default')
  t.equal(poster?.clientName, 'test')
  t.equal(poster?.secret?.logN, 10)
  t.equal(config.maxTokenValiditySeconds, 3600)
})

t.test('knows the longest token validity of any client', async (t) => {
  const config = validateConfig(edited((c) => { c.clients[1].accessTokenValiditySeconds = 86_400 }))
  t.equal(config.maxTokenValiditySeconds, 86_400)
  t.equal(validateConfig({ poolId: 'local-1_x', resourceServers: [], clients: [] }).maxTokenValiditySeconds, 3600, 'a pool without clients assumes the default')
})

t.test('accepts a pool name, a $schema and version 1', async (t) => {
  const config = validateConfig({ $schema: 'x', version: 1, poolId: 'eu-west-1_AbC123', poolName: 'myblog', resourceServers: [], clients: [] } as IssuerConfig)
  t.equal(config.poolName, 'myblog')
})

t.test('accepts resource server identifiers that are URLs', async (t) => {
  const config = validateConfig(edited((c) => { c.resourceServers[0].identifier = 'https://api.example.com/tx'; c.clients = [] }))
  t.same(config.scopes, ['https://api.example.com/tx/get', 'https://api.example.com/tx/post'])
})

t.test('names the wrong field of the document', async (t) => {
  t.throws(() => validateConfig(null), { field: 'document', code: 'ERR_ISSUER_CONFIG' })
  t.throws(() => validateConfig([]), { field: 'document', code: 'ERR_ISSUER_CONFIG' })
  rejects(t, (c) => { c.clinets = [] }, 'clinets', /not a known field/)
  rejects(t, (c) => { c.version = 2 }, 'version')
})

t.test('names a wrong pool id or pool name', async (t) => {
  rejects(t, (c) => { delete c.poolId }, 'poolId')
  rejects(t, (c) => { c.poolId = 'no-underscore' }, 'poolId', /local-1_AbCdEf123/)
  rejects(t, (c) => { c.poolId = 'local-1_has/slash' }, 'poolId')
  rejects(t, (c) => { c.poolId = `local-1_${'a'.repeat(60)}` }, 'poolId', /1 to 55/)
  rejects(t, (c) => { c.poolName = 'bad"name' }, 'poolName')
  rejects(t, (c) => { c.poolName = '' }, 'poolName')
})

t.test('names a wrong resource server field', async (t) => {
  rejects(t, (c) => { c.resourceServers = {} }, 'resourceServers', /must be an array/)
  rejects(t, (c) => { c.resourceServers = Array.from({ length: 26 }, (_, i) => ({ identifier: `rs${i}`, name: 'x', scopes: [] })) }, 'resourceServers', /at most 25/)
  rejects(t, (c) => { c.resourceServers[0] = 'transactions' }, 'resourceServers[0]')
  rejects(t, (c) => { c.resourceServers[0].identifier = 'has space' }, 'resourceServers[0].identifier')
  rejects(t, (c) => { c.resourceServers[0].identifier = 'quote"' }, 'resourceServers[0].identifier')
  rejects(t, (c) => { c.resourceServers[0].identifier = 'back\\slash' }, 'resourceServers[0].identifier')
  rejects(t, (c) => { c.resourceServers[0].identifier = '' }, 'resourceServers[0].identifier')
  rejects(t, (c) => { c.resourceServers[0].identifier = 'x'.repeat(257) }, 'resourceServers[0].identifier', /1 to 256/)
  rejects(t, (c) => { c.resourceServers.push({ ...c.resourceServers[0] }) }, 'resourceServers[1].identifier', /repeats/)
  rejects(t, (c) => { c.resourceServers[0].name = 'tab\tname!' }, 'resourceServers[0].name')
  rejects(t, (c) => { c.resourceServers[0].scopes = 'get' }, 'resourceServers[0].scopes')
  rejects(t, (c) => { c.resourceServers[0].scopes = Array.from({ length: 101 }, (_, i) => ({ name: `s${i}`, description: 'd' })) }, 'resourceServers[0].scopes', /at most 100/)
  rejects(t, (c) => { c.resourceServers[0].scopes[1].name = 'a/b' }, 'resourceServers[0].scopes[1].name')
  rejects(t, (c) => { c.resourceServers[0].scopes[1].name = 'get' }, 'resourceServers[0].scopes[1].name', /repeats/)
  rejects(t, (c) => { c.resourceServers[0].scopes[1].description = '' }, 'resourceServers[0].scopes[1].description')
  rejects(t, (c) => { c.resourceServers[0].scopes[1].extra = 1 }, 'resourceServers[0].scopes[1].extra')
})

t.test('names a wrong client field', async (t) => {
  rejects(t, (c) => { c.clients = null }, 'clients')
  rejects(t, (c) => { c.clients[1].clientId = 'has-dash' }, 'clients[1].clientId', /letters, digits and underscores/)
  rejects(t, (c) => { c.clients[1].clientId = c.clients[0].clientId }, 'clients[1].clientId', /repeats/)
  rejects(t, (c) => { c.clients[1].clientName = 'semi;colon' }, 'clients[1].clientName')
  rejects(t, (c) => { c.clients[1].secretHash = 'plain-text-secret' }, 'clients[1].secretHash', /add-client/)
  rejects(t, (c) => { c.clients[1].secret = 'plain-text-secret' }, 'clients[1].secret', /not a known field/)
  rejects(t, (c) => { c.clients[1].allowedOAuthFlows = [] }, 'clients[1].allowedOAuthFlows', /at least one/)
  rejects(t, (c) => { c.clients[1].allowedOAuthFlows = ['password'] }, 'clients[1].allowedOAuthFlows[0]', /client_credentials, code, implicit/)
  rejects(t, (c) => { c.clients[2].allowedOAuthFlows = ['code', 'code'] }, 'clients[2].allowedOAuthFlows[1]', /repeats/)
  rejects(t, (c) => { c.clients[1].allowedOAuthFlows = ['client_credentials', 'code'] }, 'clients[1].allowedOAuthFlows', /cannot combine/)
  rejects(t, (c) => { c.clients[1].allowedOAuthScopes[0] = 'transactions/delete' }, 'clients[1].allowedOAuthScopes[0]', /declared by a resource server/)
  rejects(t, (c) => { c.clients[1].allowedOAuthScopes[1] = 42 }, 'clients[1].allowedOAuthScopes[1]')
  rejects(t, (c) => { c.clients[1].allowedOAuthScopes[1] = 'transactions/get' }, 'clients[1].allowedOAuthScopes[1]', /repeats/)
  rejects(t, (c) => { c.clients[1].allowedOAuthScopes = [] }, 'clients[1].allowedOAuthScopes', /at least one scope/)
  rejects(t, (c) => { c.clients[1].accessTokenValiditySeconds = 299 }, 'clients[1].accessTokenValiditySeconds', /300 to 86400/)
  rejects(t, (c) => { c.clients[1].accessTokenValiditySeconds = 86_401 }, 'clients[1].accessTokenValiditySeconds')
  rejects(t, (c) => { c.clients[1].accessTokenValiditySeconds = 600.5 }, 'clients[1].accessTokenValiditySeconds')
})

t.test('lets a client of another flow have no scopes, as Cognito does', async (t) => {
  const config = validateConfig(edited((c) => { c.clients[2].allowedOAuthScopes = [] }))
  t.same(config.clients.get('coder00client0id0000000000')?.allowedOAuthScopes, [])
})

t.test('shortens long wrong values in messages', async (t) => {
  t.throws(() => validateConfig(edited((c) => { c.poolId = 'x'.repeat(100) })), /"x{40}…"/)
  t.throws(() => validateConfig(edited((c) => { c.poolId = 7 })), /got 7/)
  t.throws(() => validateConfig(edited((c) => { c.poolId = null })), /got null/)
  t.throws(() => validateConfig(edited((c) => { c.poolId = [] })), /got an array/)
  t.throws(() => validateConfig(edited((c) => { c.poolId = {} })), /got an object/)
})

t.test('leaves the source out of the message when there is none', async (t) => {
  t.throws(() => validateConfig({}), { message: 'fastify-resource-server issuer: "poolId" must be a string of 1 to 55 characters, shaped like "local-1_AbCdEf123" (got undefined)' })
})

t.test('resolves the user-flow fields of a client, with Cognito\'s defaults', async (t) => {
  const config = validateConfig(edited((c) => {
    c.clients[2] = {
      clientId: 'spa', allowedOAuthFlows: ['code'], allowedOAuthScopes: ['openid', 'email', 'profile', 'transactions/get'],
      callbackURLs: ['https://app.example.com/cb', 'http://localhost:3000/cb', 'http://[::1]:1/cb'], logoutURLs: ['https://app.example.com/bye'],
      signingAlgorithm: 'ES256', refreshTokenRotation: true, idTokenValiditySeconds: 600, refreshTokenValiditySeconds: 3600
    }
  }))
  const spa = config.clients.get('spa')
  t.equal(spa?.secret, undefined, 'a client without a secret is public')
  t.match(spa, { signingAlgorithm: 'ES256', refreshTokenRotation: true, idTokenValiditySeconds: 600, refreshTokenValiditySeconds: 3600, logoutURLs: ['https://app.example.com/bye'] })
  t.match(config.clients.get(base.clients[0]!.clientId), { idTokenValiditySeconds: 3600, refreshTokenValiditySeconds: 2_592_000, refreshTokenRotation: false, callbackURLs: [], logoutURLs: [], signingAlgorithm: undefined })
})

t.test('names the wrong user-flow field of a client', async (t) => {
  rejects(t, (c) => { delete c.clients[0].secretHash }, 'clients[0].secretHash', /required for the client_credentials flow/)
  rejects(t, (c) => { c.clients[2].callbackURLs = [] }, 'clients[2].callbackURLs', /at least one URL/)
  rejects(t, (c) => { c.clients[2].callbackURLs = ['http://app.example.com/cb'] }, 'clients[2].callbackURLs[0]', /https/)
  rejects(t, (c) => { c.clients[2].callbackURLs = ['https://app.example.com/cb#x'] }, 'clients[2].callbackURLs[0]', /fragment/)
  rejects(t, (c) => { c.clients[2].callbackURLs = ['https://u:p@app.example.com/cb'] }, 'clients[2].callbackURLs[0]')
  rejects(t, (c) => { c.clients[2].callbackURLs = ['not a url'] }, 'clients[2].callbackURLs[0]')
  rejects(t, (c) => { c.clients[2].callbackURLs = [5] }, 'clients[2].callbackURLs[0]')
  rejects(t, (c) => { c.clients[2].callbackURLs = ['https://a.example/cb', 'https://a.example/cb'] }, 'clients[2].callbackURLs[1]', /repeats/)
  rejects(t, (c) => { c.clients[2].logoutURLs = ['javascript:alert(1)'] }, 'clients[2].logoutURLs[0]')
  rejects(t, (c) => { c.clients[2].signingAlgorithm = 'HS256' }, 'clients[2].signingAlgorithm', /RS256, PS256, ES256/)
  rejects(t, (c) => { c.clients[2].refreshTokenRotation = 'yes' }, 'clients[2].refreshTokenRotation')
  rejects(t, (c) => { c.clients[2].refreshTokenValiditySeconds = 60 }, 'clients[2].refreshTokenValiditySeconds')
  rejects(t, (c) => { c.clients[0].allowedOAuthScopes = ['openid'] }, 'clients[0].allowedOAuthScopes[0]', /declared by a resource server$/)
  rejects(t, (c) => { c.clients[2].allowedOAuthScopes = ['phone'] }, 'clients[2].allowedOAuthScopes[0]', /or openid, email, profile/)
})

t.test('knows the longest ID-token validity too', async (t) => {
  t.equal(validateConfig(edited((c) => { c.clients[2].idTokenValiditySeconds = 7200 })).maxTokenValiditySeconds, 7200)
})
