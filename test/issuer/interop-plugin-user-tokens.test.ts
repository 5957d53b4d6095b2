// The resource-server plugin against the user flow's tokens: a `groups` requirement reads
// `cognito:groups` from a user's access token, and `tokenUse: 'id'` accepts the ID token (whose
// `aud` is the client) where access tokens are refused.
import Fastify from 'fastify'
import t from 'tap'
import { fastifyResourceServer } from '../../src/fastify/plugin.js'
import { basic, postToken } from '../helpers/issuer-fixtures.js'
import { CALLBACK, CODE_CLIENTS, USERS, logIn, startUserIssuer } from '../helpers/user-flow.js'
import type { IssuerInstance } from '../../src/issuer/server.js'

async function tokensOf (app: IssuerInstance, user: { username: string, password: string }): Promise<{ access_token: string, id_token: string }> {
  const { code } = await logIn(app, { client_id: CODE_CLIENTS.web.clientId, scope: 'openid transactions/get' }, user)
  return (await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'authorization_code', code, redirect_uri: CALLBACK }, authorization: basic(CODE_CLIENTS.web.clientId, CODE_CLIENTS.web.secret) })).body
}

t.test('groups and tokenUse: id work against the user flow\'s PS256 tokens', async (t) => {
  const issuer = await startUserIssuer(t, { clients: { web: { signingAlgorithm: 'PS256' } } })
  const service = Fastify()
  t.teardown(() => service.close())
  await service.register(fastifyResourceServer, { issuer: issuer.issuer.urls.issuer, clientId: CODE_CLIENTS.web.clientId, algorithms: ['PS256'], tokenUse: null })
  service.get('/admin', { config: { auth: { groups: ['admins'], tokenUse: 'access' } } }, async (request) => ({ sub: request.auth?.sub }))
  service.get('/profile', { config: { auth: { tokenUse: 'id' } } }, async (request) => ({ sub: request.auth?.sub }))
  service.get('/transactions', { config: { auth: { scopes: ['transactions/get'] } } }, async () => ({ transactions: [] }))

  const jane = await tokensOf(issuer, USERS.jane)
  const bob = await tokensOf(issuer, USERS.bob)
  const call = async (url: string, token: string): Promise<number> => (await service.inject({ url, headers: { authorization: `Bearer ${token}` } })).statusCode
  t.equal(await call('/admin', jane.access_token), 200, 'jane is in admins')
  t.equal(await call('/admin', bob.access_token), 403, 'bob is in no group')
  t.equal(await call('/admin', jane.id_token), 401, 'an ID token is not an access token (invalid_token)')
  t.equal(await call('/profile', jane.id_token), 200, 'tokenUse id accepts the ID token')
  t.equal(await call('/profile', jane.access_token), 401, 'and refuses the access token')
  t.equal(await call('/transactions', jane.access_token), 200)
  t.same((await service.inject({ url: '/admin', headers: { authorization: `Bearer ${jane.access_token}` } })).json(), { sub: USERS.jane.sub })
})
