import { request } from 'node:http'
import t from 'tap'
import { CLIENTS, POOL_ID, getToken, startIssuer } from '../../helpers/issuer-fixtures.js'
import { manualClock } from '../../helpers/jwks-server.js'

t.test('serves the discovery document with every URL on the real host and port', async (t) => {
  const app = await startIssuer(t)
  const { port } = app.server.address() as { port: number }
  const origin = `http://127.0.0.1:${port}`
  const response = await fetch(`${origin}/${POOL_ID}/.well-known/openid-configuration`)
  t.equal(response.status, 200)
  t.equal(response.headers.get('cache-control'), 'public, max-age=300')
  t.same(await response.json(), {
    issuer: `${origin}/${POOL_ID}`,
    jwks_uri: `${origin}/${POOL_ID}/.well-known/jwks.json`,
    token_endpoint: `${origin}/oauth2/token`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: ['transactions/get', 'transactions/post'],
    response_types_supported: [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256']
  })
})

t.test('serves the same metadata at the RFC 8414 location', async (t) => {
  const app = await startIssuer(t)
  const { port } = app.server.address() as { port: number }
  const oidc = await (await fetch(app.issuer.urls.discoveryUrl)).json()
  const rfc8414 = await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server/${POOL_ID}`)).json()
  t.same(rfc8414, oidc)
})

t.test('ignores the Host header: an attacker cannot redirect clients through discovery', async (t) => {
  const app = await startIssuer(t)
  const { port } = app.server.address() as { port: number }
  const body = await new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: `/${POOL_ID}/.well-known/openid-configuration`, headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } }, (res) => {
      let text = ''
      res.on('data', (chunk) => { text += chunk })
      res.on('end', () => resolve(text))
    }).on('error', reject).end()
  })
  t.notMatch(body, /evil/)
  t.match(JSON.parse(body).token_endpoint, `http://127.0.0.1:${port}/oauth2/token`)
})

t.test('serves the JWKS with public keys only, each with kid, alg and use', async (t) => {
  const app = await startIssuer(t, { algorithm: 'ES256', jwksMaxAgeSeconds: 60 })
  const response = await fetch(app.issuer.urls.jwksUri)
  t.equal(response.status, 200)
  t.equal(response.headers.get('cache-control'), 'public, max-age=60')
  const { keys } = await response.json() as { keys: Array<Record<string, unknown>> }
  t.equal(keys.length, 1)
  t.same(Object.keys(keys[0]!).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
  t.match(keys[0], { kty: 'EC', alg: 'ES256', use: 'sig' })
  const head = await fetch(app.issuer.urls.jwksUri, { method: 'HEAD' })
  t.equal(head.status, 200, 'HEAD works too')
})

t.test('publishes the next key before it signs, and lists every published algorithm', async (t) => {
  const clock = manualClock(Date.now())
  const app = await startIssuer(t, { clock: clock.now })
  const before = await getToken(app, CLIENTS.poster)
  const result = await app.issuer.rotateKeys({ algorithm: 'EdDSA' })
  const { keys } = await (await fetch(app.issuer.urls.jwksUri)).json() as { keys: Array<{ kid: string }> }
  t.same(keys.map((k) => k.kid), [result.active.kid, result.next.kid])
  t.same(((await (await fetch(app.issuer.urls.discoveryUrl)).json()) as { id_token_signing_alg_values_supported: string[] }).id_token_signing_alg_values_supported, ['RS256', 'EdDSA'])
  t.ok(before)
})

t.test('answers other methods with 405 and Allow: GET, HEAD', async (t) => {
  const app = await startIssuer(t)
  const { port } = app.server.address() as { port: number }
  for (const url of [app.issuer.urls.jwksUri, app.issuer.urls.discoveryUrl, `http://127.0.0.1:${port}/.well-known/oauth-authorization-server/${POOL_ID}`]) {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await fetch(url, { method, body: '{}', headers: { 'content-type': 'application/json' } })
      t.equal(response.status, 405, `${method} ${url}`)
      t.equal(response.headers.get('allow'), 'GET, HEAD')
      t.match(await response.json(), { error: 'invalid_request' })
    }
  }
})

t.test('serves nothing under another pool id', async (t) => {
  const app = await startIssuer(t)
  const { port } = app.server.address() as { port: number }
  t.equal((await fetch(`http://127.0.0.1:${port}/local-1_Other/.well-known/jwks.json`)).status, 404)
})
