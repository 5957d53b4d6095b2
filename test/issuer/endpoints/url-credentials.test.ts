import t from 'tap'
import { refuseCredentialsInUrl } from '../../../src/issuer/endpoints/url-credentials.js'
import { credentialUrls, leakedLines, SECRETS } from '../../helpers/credential-urls.js'
import { CLIENTS, postToken, startIssuer } from '../../helpers/issuer-fixtures.js'

t.test('a URL without credentials passes', async (t) => {
  refuseCredentialsInUrl('/oauth2/token')
  refuseCredentialsInUrl('/oauth2/token?')
  refuseCredentialsInUrl('/oauth2/token?foo=bar&scope=x')
  t.pass()
})

t.test('a client credential or token in the URL is invalid_request', async (t) => {
  for (const name of ['client_id', 'client_secret', 'Client_Secret', 'client_assertion', 'code', 'refresh_token', 'code_verifier', 'password', '%63lient_secret']) {
    t.throws(() => refuseCredentialsInUrl(`/oauth2/token?a=1&${name}=x`), { error: 'invalid_request', message: /RFC 6749 §2\.3\.1/ }, name)
  }
})

t.test('the token and revocation endpoints refuse credentials in the query string, before using them', async (t) => {
  const app = await startIssuer(t)
  const { clientId, secret } = CLIENTS.reader
  const query = `?client_id=${clientId}&client_secret=${secret}`
  const token = await postToken(`${app.issuer.urls.tokenEndpoint}${query}`, { form: { grant_type: 'client_credentials' } })
  t.equal(token.status, 400)
  t.equal(token.body.error, 'invalid_request')
  t.notMatch(JSON.stringify(token.body), secret, 'the secret is not echoed')
  const revoke = await postToken(`${app.issuer.urls.tokenEndpoint.replace('/token', '/revoke')}${query}`, { form: { token: 'x' } })
  t.equal(revoke.status, 400)
  t.equal(revoke.body.error, 'invalid_request')
})

t.test('no credential a client puts in a URL reaches the issuer log', async (t) => {
  const lines: string[] = []
  const app = await startIssuer(t, { logger: { level: 'trace', stream: { write: (line: string) => { lines.push(line) } } } })
  const base = app.issuer.urls.tokenEndpoint.replace('/oauth2/token', '')
  const urls = [...credentialUrls('/oauth2/token'), ...credentialUrls('/oauth2/userInfo'), `/login?request=${SECRETS[0]}`]
  const statuses = new Set<number>()
  for (const url of urls) {
    for (const method of ['GET', 'POST']) {
      statuses.add((await fetch(`${base}${url}`, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' })).status)
    }
  }
  t.ok(lines.length >= urls.length * 2, `${lines.length} log lines captured`)
  t.notOk([...statuses].some((s) => s >= 500), `no request got a 5xx (${[...statuses].join(', ')})`)
  t.same(leakedLines(lines), [], 'no log line holds any of the credentials')
})
