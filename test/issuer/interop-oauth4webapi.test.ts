// oauth4webapi, an OAuth client written outside this project, discovers the issuer and gets tokens.
import t from 'tap'
import * as oauth from 'oauth4webapi'
import { decodeJwt } from 'jose'
import { CLIENTS, startIssuer } from '../helpers/issuer-fixtures.js'

// Plain http is allowed here only because the issuer is on loopback in a test.
const loopback = { [oauth.allowInsecureRequests]: true }

t.test('discovers the issuer and gets a token with client_secret_basic', async (t) => {
  const app = await startIssuer(t)
  const issuer = new URL(app.issuer.urls.issuer)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, loopback))
  t.equal(as.token_endpoint, app.issuer.urls.tokenEndpoint)
  const client: oauth.Client = { client_id: CLIENTS.poster.clientId }
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(CLIENTS.poster.secret), { scope: 'transactions/post' }, loopback)
  const result = await oauth.processClientCredentialsResponse(as, client, response)
  t.equal(result.token_type, 'bearer')
  t.equal(result.expires_in, 3600)
  t.match(decodeJwt(result.access_token), { client_id: CLIENTS.poster.clientId, scope: 'transactions/post', iss: app.issuer.urls.issuer })
})

t.test('discovers the issuer the RFC 8414 way and gets a token with client_secret_post', async (t) => {
  const app = await startIssuer(t)
  const issuer = new URL(app.issuer.urls.issuer)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...loopback, algorithm: 'oauth2' }))
  const client: oauth.Client = { client_id: CLIENTS.reader.clientId }
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(CLIENTS.reader.secret), {}, loopback)
  const result = await oauth.processClientCredentialsResponse(as, client, response)
  t.equal(decodeJwt(result.access_token).scope, 'transactions/get transactions/post')
})

t.test('surfaces invalid_client and invalid_scope as the library\'s own errors', async (t) => {
  const app = await startIssuer(t)
  const issuer = new URL(app.issuer.urls.issuer)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, loopback))
  const client: oauth.Client = { client_id: CLIENTS.poster.clientId }

  const wrong = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('wrong'), {}, loopback)
  const challenge = await oauth.processClientCredentialsResponse(as, client, wrong).catch((err: unknown) => err)
  t.ok(challenge instanceof oauth.WWWAuthenticateChallengeError)
  t.equal((challenge as oauth.WWWAuthenticateChallengeError).status, 401)
  t.equal((challenge as oauth.WWWAuthenticateChallengeError).cause[0]?.scheme, 'basic')

  const scope = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(CLIENTS.poster.secret), { scope: 'transactions/get' }, loopback)
  const refusal = await oauth.processClientCredentialsResponse(as, client, scope).catch((err: unknown) => err)
  t.ok(refusal instanceof oauth.ResponseBodyError)
  t.match(refusal, { error: 'invalid_scope', status: 400 })
})
