import { stat } from 'node:fs/promises'
import { Writable } from 'node:stream'
import { join } from 'node:path'
import t from 'tap'
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import { saveConfigFile } from '../../src/issuer/config/config-file.js'
import { createIssuer } from '../../src/issuer/server.js'
import { CLIENTS, basic, getToken, issuerConfig, postToken, startIssuer } from '../helpers/issuer-fixtures.js'
import { manualClock } from '../helpers/jwks-server.js'

t.test('loads its configuration from a file and creates the key file, private, on first start', async (t) => {
  const dir = t.testdir()
  const configFile = join(dir, 'issuer.json')
  const keyFile = join(dir, 'issuer-keys.json')
  await saveConfigFile(configFile, await issuerConfig())
  const app = await startIssuer(t, { configFile, keyFile })
  t.equal((await stat(keyFile)).mode & 0o777, 0o600)
  t.ok(await getToken(app, CLIENTS.poster))
  t.equal(app.issuer.config.poolId, 'local-1_AbCdEf123')
})

t.test('keeps its keys across a restart: same kid, and tokens from before still verify', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const config = await issuerConfig()
  const first = await createIssuer({ config, keyFile })
  await first.listen({ port: 0, host: '127.0.0.1' })
  const { port } = first.server.address() as { port: number }
  const token = await getToken(first, CLIENTS.poster)
  await first.close()

  const second = await createIssuer({ config, keyFile })
  await second.listen({ port, host: '127.0.0.1' })
  t.teardown(() => second.close())
  const [jwk] = ((await (await fetch(second.issuer.urls.jwksUri)).json()) as { keys: Array<{ kid: string }> }).keys
  t.equal(jwk?.kid, decodeProtectedHeader(token).kid, 'the same key is published')
  await t.resolves(jwtVerify(token, await importJWK(jwk!, 'RS256'), { issuer: second.issuer.urls.issuer }))
  t.equal(decodeProtectedHeader(await getToken(second, CLIENTS.poster)).kid, jwk?.kid, 'and signs')
})

t.test('without a key file, keys live in memory and each instance has its own', async (t) => {
  const a = await startIssuer(t)
  const b = await startIssuer(t)
  t.not(a.issuer.jwks().keys[0]?.kid, b.issuer.jwks().keys[0]?.kid)
})

t.test('several instances on one key file sign with the same key', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  const [a, b] = await Promise.all([startIssuer(t, { keyFile }), startIssuer(t, { keyFile })])
  t.equal(decodeProtectedHeader(await getToken(a, CLIENTS.poster)).kid, decodeProtectedHeader(await getToken(b, CLIENTS.poster)).kid)
})

t.test('serves under an explicit issuer URL', async (t) => {
  const app = await startIssuer(t, { issuerUrl: 'https://auth.example.com/local-1_AbCdEf123' })
  t.equal(app.issuer.urls.tokenEndpoint, 'https://auth.example.com/oauth2/token')
  const { port } = app.server.address() as { port: number }
  const answer = await postToken(`http://127.0.0.1:${port}/oauth2/token`, { form: { grant_type: 'client_credentials' }, authorization: basic(CLIENTS.poster.clientId, CLIENTS.poster.secret) })
  t.equal(answer.status, 200)
})

t.test('refuses an issuer URL that does not end with the pool id', async (t) => {
  await t.rejects(createIssuer({ config: await issuerConfig(), issuerUrl: 'https://auth.example.com/other' }), { code: 'ERR_INVALID_OPTION', option: 'issuerUrl' })
})

t.test('refuses a wrong config before touching any file', async (t) => {
  const keyFile = join(t.testdir(), 'keys.json')
  await t.rejects(createIssuer({ config: { ...(await issuerConfig()), poolId: 'bad' }, keyFile }), { name: 'TypeError', code: 'ERR_ISSUER_CONFIG', field: 'poolId' })
  await t.rejects(stat(keyFile), { code: 'ENOENT' })
  await t.rejects(createIssuer({ configFile: join(t.testdir(), 'missing.json') }), { code: 'ERR_ISSUER_FILE' })
})

t.test('answers server_error, and logs why, when asked for tokens before it listens', async (t) => {
  const lines: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { lines.push(String(chunk)); done() } })
  const app = await createIssuer({ config: await issuerConfig(), logger: { stream } })
  t.teardown(() => app.close())
  t.throws(() => app.issuer.urls, { code: 'ERR_ISSUER_NOT_LISTENING' })
  const response = await app.inject({
    method: 'POST',
    url: '/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(CLIENTS.poster.clientId, CLIENTS.poster.secret) },
    payload: 'grant_type=client_credentials'
  })
  t.equal(response.statusCode, 500)
  t.same(response.json(), { error: 'server_error', error_description: 'The request could not be served; see the issuer log.' })
  t.match(lines.join(''), /ERR_ISSUER_NOT_LISTENING/)
})

t.test('never logs a secret, a token or a private key', async (t) => {
  const lines: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { lines.push(String(chunk)); done() } })
  const app = await startIssuer(t, { logger: { level: 'trace', stream }, keyFile: join(t.testdir(), 'keys.json') })
  const token = await getToken(app, CLIENTS.poster)
  await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'client_credentials' }, authorization: basic(CLIENTS.poster.clientId, 'wrong-secret') })
  await app.issuer.rotateKeys()
  const log = lines.join('')
  t.match(log, /key rotation scheduled/)
  t.notMatch(log, CLIENTS.poster.secret)
  t.notMatch(log, 'wrong-secret')
  t.notMatch(log, token.split('.')[2] as string)
  t.notMatch(log, /"d":/)
  t.notMatch(log, /authorization/i)
})

t.test('rotates keys on a running instance through its API', async (t) => {
  const clock = manualClock(Date.now())
  const app = await startIssuer(t, { clock: clock.now, keyFile: join(t.testdir(), 'keys.json'), publishLeadSeconds: 60 })
  const result = await app.issuer.rotateKeys()
  t.equal(result.added, true)
  t.equal(Date.parse(result.next.activateAt) - clock.now(), 60_000, 'the configured lead')
  const quick = await app.issuer.rotateKeys({ publishLeadSeconds: 0 })
  t.equal(quick.added, false, 'a waiting rotation is not replaced')
  await t.rejects(app.issuer.rotateKeys({ publishLeadSeconds: -1 }), { code: 'ERR_INVALID_OPTION', option: 'publishLeadSeconds' })
  await app.issuer.reloadKeys()
  t.equal(app.issuer.jwks().keys.length, 2)
})
