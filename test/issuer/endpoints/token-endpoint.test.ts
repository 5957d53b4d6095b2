import t from 'tap'
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import { CLIENTS, basic, getToken, postToken, startIssuer } from '../../helpers/issuer-fixtures.js'
import { manualClock } from '../../helpers/jwks-server.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('issues a token to a client that authenticates with HTTP Basic', async (t) => {
  const app = await startIssuer(t)
  const answer = await postToken(app.issuer.urls.tokenEndpoint, {
    form: { grant_type: 'client_credentials', scope: 'transactions/post' },
    authorization: basic(CLIENTS.poster.clientId, CLIENTS.poster.secret)
  })
  t.equal(answer.status, 200)
  t.same(Object.keys(answer.body).sort(), ['access_token', 'expires_in', 'token_type'], 'exactly Cognito\'s three members')
  t.equal(answer.body.token_type, 'Bearer')
  t.equal(answer.body.expires_in, 3600)
  t.equal(answer.headers.get('cache-control'), 'no-store')
  t.equal(answer.headers.get('pragma'), 'no-cache')
  t.match(answer.headers.get('content-type'), /^application\/json/)
})

t.test('mints tokens shaped exactly like Cognito\'s machine-to-machine access tokens', async (t) => {
  const clock = manualClock(1_800_000_000_000)
  const app = await startIssuer(t, { clock: clock.now })
  const token = await getToken(app, CLIENTS.poster, 'transactions/post')
  const header = decodeProtectedHeader(token)
  t.same(Object.keys(header), ['alg', 'kid'], 'no typ, like Cognito')
  t.equal(header.alg, 'RS256')
  const claims = decodeJwt(token)
  t.same(Object.keys(claims), ['sub', 'token_use', 'scope', 'auth_time', 'iss', 'exp', 'iat', 'version', 'jti', 'client_id'], 'Cognito\'s claims, in Cognito\'s order')
  t.match(claims, {
    sub: CLIENTS.poster.clientId,
    token_use: 'access',
    scope: 'transactions/post',
    auth_time: 1_800_000_000,
    iss: app.issuer.urls.issuer,
    exp: 1_800_003_600,
    iat: 1_800_000_000,
    version: 2,
    client_id: CLIENTS.poster.clientId
  })
  t.match(claims.jti, UUID)
  t.not(decodeJwt(await getToken(app, CLIENTS.poster)).jti, claims.jti, 'every token has its own jti')
})

t.test('signs with the published key', async (t) => {
  const app = await startIssuer(t)
  const token = await getToken(app, CLIENTS.poster)
  const { keys } = await (await fetch(app.issuer.urls.jwksUri)).json() as { keys: Array<{ kid: string }> }
  const jwk = keys.find((k) => k.kid === decodeProtectedHeader(token).kid)
  t.ok(jwk)
  const { payload } = await jwtVerify(token, await importJWK(jwk!, 'RS256'), { issuer: app.issuer.urls.issuer })
  t.equal(payload.client_id, CLIENTS.poster.clientId)
})

for (const algorithm of ['PS256', 'ES256', 'EdDSA'] as const) {
  t.test(`signs with ${algorithm} when asked`, async (t) => {
    const app = await startIssuer(t, { algorithm })
    const token = await getToken(app, CLIENTS.poster)
    t.equal(decodeProtectedHeader(token).alg, algorithm)
    const [jwk] = app.issuer.jwks().keys
    await t.resolves(jwtVerify(token, await importJWK(jwk!, algorithm)))
  })
}

t.test('accepts client_secret_post', async (t) => {
  const app = await startIssuer(t)
  const answer = await postToken(app.issuer.urls.tokenEndpoint, {
    form: { grant_type: 'client_credentials', client_id: CLIENTS.reader.clientId, client_secret: CLIENTS.reader.secret }
  })
  t.equal(answer.status, 200)
  t.equal(answer.body.expires_in, 600, 'the client\'s own validity')
  t.equal(decodeJwt(answer.body.access_token).scope, 'transactions/get transactions/post')
})

t.test('accepts client_id beside Basic when it names the same client', async (t) => {
  const app = await startIssuer(t)
  const answer = await postToken(app.issuer.urls.tokenEndpoint, {
    form: { grant_type: 'client_credentials', client_id: CLIENTS.poster.clientId },
    authorization: basic(CLIENTS.poster.clientId, CLIENTS.poster.secret)
  })
  t.equal(answer.status, 200)
})

t.test('decodes Basic credentials that were form-urlencoded, as RFC 6749 §2.3.1 says', async (t) => {
  const app = await startIssuer(t)
  const encoded = `Basic ${Buffer.from(`${CLIENTS.poster.clientId.replace(/0/g, '%30')}:${CLIENTS.poster.secret.replace(/-/g, '%2D')}`).toString('base64')}`
  const answer = await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'client_credentials' }, authorization: encoded })
  t.equal(answer.status, 200)
  const lower = await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'client_credentials' }, authorization: basic(CLIENTS.poster.clientId, CLIENTS.poster.secret).replace('Basic', 'basic') })
  t.equal(lower.status, 200, 'the scheme name is case-insensitive')
})

t.test('grants every allowed scope when none is asked for, as Cognito does', async (t) => {
  const app = await startIssuer(t)
  t.equal(decodeJwt(await getToken(app, CLIENTS.reader)).scope, 'transactions/get transactions/post')
  t.equal(decodeJwt(await getToken(app, CLIENTS.reader, '')).scope, 'transactions/get transactions/post', 'an empty scope is an absent scope (RFC 6749 §3.1)')
  t.equal(decodeJwt(await getToken(app, CLIENTS.reader, '   ')).scope, 'transactions/get transactions/post')
})

t.test('grants the requested scopes, in order, once each', async (t) => {
  const app = await startIssuer(t)
  t.equal(decodeJwt(await getToken(app, CLIENTS.reader, 'transactions/post')).scope, 'transactions/post')
  t.equal(decodeJwt(await getToken(app, CLIENTS.reader, 'transactions/post transactions/get transactions/post')).scope, 'transactions/post transactions/get')
})

t.test('accepts a charset on the content type', async (t) => {
  const app = await startIssuer(t)
  const answer = await postToken(app.issuer.urls.tokenEndpoint, {
    form: { grant_type: 'client_credentials' },
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    authorization: basic(CLIENTS.poster.clientId, CLIENTS.poster.secret)
  })
  t.equal(answer.status, 200)
})

t.test('ignores parameters it does not know (RFC 6749 §3.2)', async (t) => {
  const app = await startIssuer(t)
  const answer = await postToken(app.issuer.urls.tokenEndpoint, {
    body: 'grant_type=client_credentials&foo=1&foo=2',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    authorization: basic(CLIENTS.poster.clientId, CLIENTS.poster.secret)
  })
  t.equal(answer.status, 200)
})
