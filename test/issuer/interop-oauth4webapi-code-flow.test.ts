// oauth4webapi, a relying-party library written outside this project, runs the authorization code
// flow with PKCE against the issuer and validates the ID token, its signature and its nonce:
// once with PS256 and once with ES256, the algorithms FAPI allows where Cognito offers RS256 only.
import t from 'tap'
import * as oauth from 'oauth4webapi'
import { CALLBACK, CODE_CLIENTS, USERS, authorizeUrl, openLogin, submitLogin, startUserIssuer } from '../helpers/user-flow.js'

// Plain http is allowed here only because the issuer is on loopback in a test.
const loopback = { [oauth.allowInsecureRequests]: true }

for (const alg of ['PS256', 'ES256'] as const) {
  t.test(`performs the code flow with PKCE and validates a ${alg} ID token and its nonce`, async (t) => {
    const app = await startUserIssuer(t, { clients: { web: { signingAlgorithm: alg }, spa: { signingAlgorithm: alg } } })
    const issuer = new URL(app.issuer.urls.issuer)
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, loopback))
    t.ok(as.id_token_signing_alg_values_supported?.includes(alg))
    t.same(as.code_challenge_methods_supported, ['S256'])

    for (const [client, auth] of [
      [{ client_id: CODE_CLIENTS.web.clientId, id_token_signed_response_alg: alg }, oauth.ClientSecretBasic(CODE_CLIENTS.web.secret)],
      [{ client_id: CODE_CLIENTS.spa.clientId, id_token_signed_response_alg: alg }, oauth.None()]
    ] as Array<[oauth.Client, oauth.ClientAuth]>) {
      const verifier = oauth.generateRandomCodeVerifier()
      const nonce = oauth.generateRandomNonce()
      const state = oauth.generateRandomState()
      const form = await openLogin(authorizeUrl(app, {
        response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid',
        state, nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256'
      }))
      const login = await submitLogin(form, USERS.jane)
      const params = oauth.validateAuthResponse(as, client, new URL(login.headers.get('location') as string), state)
      const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, CALLBACK, verifier, loopback)
      const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true })
      await oauth.validateApplicationLevelSignature(as, response, loopback)
      const claims = oauth.getValidatedIdTokenClaims(result)
      t.match(claims, { sub: USERS.jane.sub, aud: client.client_id, nonce, email: USERS.jane.email, token_use: 'id' }, `${client.client_id}: the ID token validates`)

      const info = await oauth.processUserInfoResponse(as, client, USERS.jane.sub, await oauth.userInfoRequest(as, client, result.access_token, loopback))
      t.equal(info.email, USERS.jane.email, 'userInfo answers for the access token')

      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, result.refresh_token as string, loopback))
      t.ok(refreshed.access_token)
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, result.refresh_token as string, loopback))
      const revoked = await oauth.refreshTokenGrantRequest(as, client, auth, result.refresh_token as string, loopback)
      const refusal = await oauth.processRefreshTokenResponse(as, client, revoked).catch((err: unknown) => err)
      t.match(refusal, { error: 'invalid_grant', status: 400 }, 'a revoked refresh token is refused')
    }
  })
}

t.test('rejects an ID token whose nonce differs', async (t) => {
  const app = await startUserIssuer(t, { clients: { web: { signingAlgorithm: 'ES256' } } })
  const issuer = new URL(app.issuer.urls.issuer)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, loopback))
  const client: oauth.Client = { client_id: CODE_CLIENTS.web.clientId, id_token_signed_response_alg: 'ES256' }
  const form = await openLogin(authorizeUrl(app, { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', nonce: 'sent' }))
  const params = oauth.validateAuthResponse(as, client, new URL((await submitLogin(form, USERS.jane)).headers.get('location') as string), oauth.expectNoState)
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(CODE_CLIENTS.web.secret), params, CALLBACK, oauth.nopkce, loopback)
  await t.rejects(oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: 'expected' }))
})
