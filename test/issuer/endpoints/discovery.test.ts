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
  const auth = ['client_secret_basic', 'client_secret_post', 'none']
  t.same(await response.json(), {
    issuer: `${origin}/${POOL_ID}`,
    authorization_endpoint: `${origin}/oauth2/authorize`,
    token_endpoint: `${origin}/oauth2/token`,
    userinfo_endpoint: `${origin}/oauth2/userInfo`,
    revocation_endpoint: `${origin}/oauth2/revoke`,
    end_session_endpoint: `${origin}/logout`,
    jwks_uri: `${origin}/${POOL_ID}/.well-known/jwks.json`,
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: auth,
    revocation_endpoint_auth_methods_supported: auth,
    scopes_supported: ['openid', 'email', 'profile', 'transactions/get', 'transactions/post'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'cognito:username', 'cognito:groups',
      'email', 'email_verified', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
      'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address', 'updated_at']
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
  const rs = await app.issuer.rotateKeys()
  const result = await app.issuer.rotateKeys({ algorithm: 'EdDSA' })
  const { keys } = await (await fetch(app.issuer.urls.jwksUri)).json() as { keys: Array<{ kid: string }> }
  t.same(keys.map((k) => k.kid), [rs.active.kid, rs.next.kid, result.active.kid], 'a new algorithm is published beside the others')
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
