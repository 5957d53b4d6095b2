// RFC 6749 §4.4 (client credentials), §2.3.1 (client authentication), §3.2 and §5.2 (errors),
// as the token endpoint implements them. One test per row of the error table, and more.
import { connect } from 'node:net'
import t, { type Test } from 'tap'
import { CLIENTS, basic, postToken, startIssuer, type Answer } from '../../helpers/issuer-fixtures.js'
import type { IssuerInstance } from '../../../src/issuer/server.js'

const FORM = 'application/x-www-form-urlencoded'
const POSTER = basic(CLIENTS.poster.clientId, CLIENTS.poster.secret)

function refused (t: Test, answer: Answer, status: number, error: string): void {
  t.equal(answer.status, status, `status ${status}`)
  t.same(Object.keys(answer.body ?? {}).sort(), ['error', 'error_description'], 'an RFC 6749 §5.2 body')
  t.equal(answer.body?.error, error, `error ${error}`)
  t.type(answer.body?.error_description, 'string')
  t.match(answer.headers.get('content-type'), /^application\/json/)
  t.equal(answer.headers.get('cache-control'), 'no-store')
  for (const client of Object.values(CLIENTS)) t.notMatch(JSON.stringify(answer.body), client.secret, 'never echoes a secret')
  if (status === 401) t.equal(answer.headers.get('www-authenticate'), 'Basic realm="local-1_AbCdEf123", charset="UTF-8"')
  else t.equal(answer.headers.get('www-authenticate'), null)
}

let app: IssuerInstance
let url: string
t.before(async () => {
  app = await startIssuer(t)
  url = app.issuer.urls.tokenEndpoint
})

t.test('unknown client: 401 invalid_client with a Basic challenge', async (t) => {
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials' }, authorization: basic('nobody', CLIENTS.poster.secret) }), 401, 'invalid_client')
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' } }), 401, 'invalid_client')
})

t.test('wrong secret: 401 invalid_client, the same answer as an unknown client', async (t) => {
  const wrong = await postToken(url, { form: { grant_type: 'client_credentials' }, authorization: basic(CLIENTS.poster.clientId, 'wrong') })
  refused(t, wrong, 401, 'invalid_client')
  const unknown = await postToken(url, { form: { grant_type: 'client_credentials' }, authorization: basic('nobody', 'wrong') })
  t.same(wrong.body, unknown.body, 'an attacker cannot tell which client ids exist')
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials', client_id: CLIENTS.poster.clientId, client_secret: CLIENTS.reader.secret } }), 401, 'invalid_client')
})

t.test('no client authentication at all: 401 invalid_client', async (t) => {
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials' } }), 401, 'invalid_client')
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials', client_id: CLIENTS.poster.clientId } }), 401, 'invalid_client')
})

t.test('an authentication scheme other than Basic: 401 invalid_client', async (t) => {
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials' }, authorization: 'Bearer abc' }), 401, 'invalid_client')
})

t.test('scope the client is not allowed: 400 invalid_scope', async (t) => {
  const answer = await postToken(url, { form: { grant_type: 'client_credentials', scope: 'transactions/get' }, authorization: POSTER })
  refused(t, answer, 400, 'invalid_scope')
  t.match(answer.body.error_description, /"transactions\/get"/)
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials', scope: 'transactions/post transactions/delete' }, authorization: POSTER }), 400, 'invalid_scope')
  const malformed = await postToken(url, { form: { grant_type: 'client_credentials', scope: 'transactions/post\t"x"' }, authorization: POSTER })
  refused(t, malformed, 400, 'invalid_scope')
  t.notMatch(malformed.body.error_description, /"x"/, 'a malformed scope is not echoed')
})

t.test('flow the client is not allowed: 400 unauthorized_client', async (t) => {
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials' }, authorization: basic(CLIENTS.coder.clientId, CLIENTS.coder.secret) }), 400, 'unauthorized_client')
})

t.test('unknown grant type: 400 unsupported_grant_type', async (t) => {
  for (const grant of ['password', 'implicit', 'urn:ietf:params:oauth:grant-type:jwt-bearer']) {
    refused(t, await postToken(url, { form: { grant_type: grant }, authorization: POSTER }), 400, 'unsupported_grant_type')
  }
})

t.test('user grants from a client_credentials client: 400 unauthorized_client', async (t) => {
  for (const grant of ['authorization_code', 'refresh_token']) {
    refused(t, await postToken(url, { form: { grant_type: grant }, authorization: POSTER }), 400, 'unauthorized_client')
  }
})

t.test('missing grant_type: 400 invalid_request', async (t) => {
  refused(t, await postToken(url, { form: { scope: 'transactions/post' }, authorization: POSTER }), 400, 'invalid_request')
  refused(t, await postToken(url, { form: { grant_type: '' }, authorization: POSTER }), 400, 'invalid_request')
  refused(t, await postToken(url, { authorization: POSTER }), 400, 'invalid_request')
})

t.test('repeated parameters: 400 invalid_request (RFC 6749 §3.2)', async (t) => {
  for (const body of [
    'grant_type=client_credentials&grant_type=client_credentials',
    'grant_type=client_credentials&scope=transactions/post&scope=transactions/post',
    `grant_type=client_credentials&client_id=${CLIENTS.poster.clientId}&client_id=${CLIENTS.poster.clientId}&client_secret=x`
  ]) {
    const answer = await postToken(url, { body, headers: { 'content-type': FORM }, authorization: POSTER })
    refused(t, answer, 400, 'invalid_request')
    t.match(answer.body.error_description, /must not be repeated/)
  }
})

t.test('wrong content type: 400 invalid_request', async (t) => {
  const json = await postToken(url, { body: JSON.stringify({ grant_type: 'client_credentials' }), headers: { 'content-type': 'application/json' }, authorization: POSTER })
  refused(t, json, 400, 'invalid_request')
  t.match(json.body.error_description, /application\/x-www-form-urlencoded/)
  refused(t, await postToken(url, { body: 'grant_type=client_credentials', headers: { 'content-type': 'text/plain' }, authorization: POSTER }), 400, 'invalid_request')
  refused(t, await postToken(url, { body: 'grant_type=client_credentials', headers: { 'content-type': 'multipart/form-data; boundary=x' }, authorization: POSTER }), 400, 'invalid_request')
})

t.test('a body over the limit: 400 invalid_request, unread', async (t) => {
  const answer = await postToken(url, { body: `grant_type=client_credentials&pad=${'x'.repeat(9000)}`, headers: { 'content-type': FORM }, authorization: POSTER })
  refused(t, answer, 400, 'invalid_request')
  t.match(answer.body.error_description, /8192 bytes/)
})

t.test('a client that hangs up in the middle of its body is answered as malformed, and the server carries on', async (t) => {
  const { port } = new URL(url)
  await new Promise<void>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`POST /oauth2/token HTTP/1.1\r\nHost: x\r\nAuthorization: ${POSTER}\r\nContent-Type: ${FORM}\r\nContent-Length: 100\r\n\r\ngrant_type=`)
      setTimeout(() => socket.destroy(), 100)
    })
    socket.on('close', () => resolve())
  })
  t.equal((await postToken(url, { form: { grant_type: 'client_credentials' }, authorization: POSTER })).status, 200)
})

t.test('bad Basic header: 400 invalid_request', async (t) => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64')
  for (const authorization of [
    'Basic',
    'Basic ',
    'Basic !!!!',
    `Basic ${b64('id:secre').replace(/=+$/, '')}`,
    `Basic ${b64('id:secret')}=`,
    `Basic ${b64('no-colon')}`,
    `Basic ${b64(':secret')}`,
    `Basic ${b64('id:')}`,
    `Basic ${b64('id:%zz')}`,
    `Basic ${Buffer.from([0x69, 0x64, 0x3a, 0xff, 0xfe]).toString('base64')}`,
    ''
  ]) {
    refused(t, await postToken(url, { form: { grant_type: 'client_credentials' }, authorization }), 400, 'invalid_request')
  }
})

t.test('Basic and client_secret in the body at once: 400 invalid_request (RFC 6749 §2.3)', async (t) => {
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials', client_id: CLIENTS.poster.clientId, client_secret: CLIENTS.poster.secret }, authorization: POSTER }), 400, 'invalid_request')
})

t.test('a client_id in the body that contradicts Basic: 400 invalid_request', async (t) => {
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials', client_id: CLIENTS.reader.clientId }, authorization: POSTER }), 400, 'invalid_request')
})

t.test('a client_secret without client_id: 400 invalid_request', async (t) => {
  refused(t, await postToken(url, { form: { grant_type: 'client_credentials', client_secret: CLIENTS.poster.secret } }), 400, 'invalid_request')
})

t.test('other methods: 405 with Allow: POST, before any body is read', async (t) => {
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    const answer = await postToken(url, { method, ...(method === 'GET' ? {} : { body: 'x'.repeat(20_000), headers: { 'content-type': 'application/json' } }) })
    t.equal(answer.status, 405, method)
    t.equal(answer.headers.get('allow'), 'POST')
    t.equal(answer.body.error, 'invalid_request')
  }
  const head = await fetch(url, { method: 'HEAD' })
  t.equal(head.status, 405)
  t.equal(head.headers.get('allow'), 'POST')
})
