import t from 'tap'
import { basic, CLIENTS, getToken, postToken } from '../../helpers/issuer-fixtures.js'
import { CALLBACK, CODE_CLIENTS, logIn, startUserIssuer } from '../../helpers/user-flow.js'
import type { IssuerInstance } from '../../../src/issuer/server.js'

const WEB = basic(CODE_CLIENTS.web.clientId, CODE_CLIENTS.web.secret)

async function tokens (app: IssuerInstance): Promise<{ access_token: string, refresh_token: string }> {
  const { code } = await logIn(app, { client_id: CODE_CLIENTS.web.clientId, scope: 'openid' })
  return (await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'authorization_code', code, redirect_uri: CALLBACK }, authorization: WEB })).body
}

t.test('revokes a refresh token and its family (RFC 7009)', async (t) => {
  const app = await startUserIssuer(t)
  const { refresh_token: refreshToken, access_token: accessToken } = await tokens(app)
  const answer = await postToken(app.issuer.urls.revocationEndpoint, { form: { token: refreshToken, token_type_hint: 'refresh_token' }, authorization: WEB })
  t.equal(answer.status, 200)
  t.equal(answer.body, undefined)
  t.equal(answer.headers.get('cache-control'), 'no-store')
  const refresh = await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'refresh_token', refresh_token: refreshToken }, authorization: WEB })
  t.equal(refresh.body.error, 'invalid_grant')
  t.equal((await fetch(app.issuer.urls.userInfoEndpoint, { headers: { authorization: `Bearer ${accessToken}` } })).status, 401)
  t.equal((await postToken(app.issuer.urls.revocationEndpoint, { form: { token: refreshToken }, authorization: WEB })).status, 200, 'revoking twice is fine')
})

t.test('answers 200 for an unknown token, and refuses what it cannot revoke', async (t) => {
  const app = await startUserIssuer(t, { clients: { spa: { secretHash: undefined } } })
  t.equal((await postToken(app.issuer.urls.revocationEndpoint, { form: { token: 'unknown' }, authorization: WEB })).status, 200)
  const jwt = await postToken(app.issuer.urls.revocationEndpoint, { form: { token: await getToken(app, CLIENTS.poster) }, authorization: WEB })
  t.equal(jwt.status, 400)
  t.equal(jwt.body.error, 'unsupported_token_type')
  const { refresh_token: refreshToken } = await tokens(app)
  const other = await postToken(app.issuer.urls.revocationEndpoint, { form: { token: refreshToken, client_id: CODE_CLIENTS.spa.clientId } })
  t.equal(other.status, 400)
  t.equal(other.body.error, 'unauthorized_client', 'a token of another client')
  const missing = await postToken(app.issuer.urls.revocationEndpoint, { form: {}, authorization: WEB })
  t.equal(missing.body.error, 'invalid_request')
  const unauthenticated = await postToken(app.issuer.urls.revocationEndpoint, { form: { token: refreshToken } })
  t.equal(unauthenticated.status, 401)
  t.equal(unauthenticated.body.error, 'invalid_client')
  const get = await fetch(app.issuer.urls.revocationEndpoint)
  t.equal(get.status, 405)
})
