import t from 'tap'
import { basic, CLIENTS, getToken, postToken } from '../../helpers/issuer-fixtures.js'
import { manualClock } from '../../helpers/jwks-server.js'
import { CALLBACK, CODE_CLIENTS, USERS, logIn, startUserIssuer } from '../../helpers/user-flow.js'
import type { IssuerInstance } from '../../../src/issuer/server.js'

async function tokens (app: IssuerInstance, scope = 'openid email'): Promise<{ access_token: string, id_token: string }> {
  const { code } = await logIn(app, { client_id: CODE_CLIENTS.web.clientId, scope })
  const answer = await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'authorization_code', code, redirect_uri: CALLBACK }, authorization: basic(CODE_CLIENTS.web.clientId, CODE_CLIENTS.web.secret) })
  return answer.body
}
const accessToken = async (app: IssuerInstance, scope?: string): Promise<string> => (await tokens(app, scope)).access_token

t.test('answers the user\'s claims for an access token with the openid scope, by GET or POST', async (t) => {
  const app = await startUserIssuer(t)
  const token = await accessToken(app)
  const get = await fetch(app.issuer.urls.userInfoEndpoint, { headers: { authorization: `Bearer ${token}` } })
  t.equal(get.status, 200)
  t.equal(get.headers.get('cache-control'), 'no-store')
  t.same(await get.json(), { sub: USERS.jane.sub, email: USERS.jane.email, email_verified: true, name: 'Jane Doe', username: 'jane' })
  const post = await fetch(app.issuer.urls.userInfoEndpoint, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' })
  t.equal(post.status, 200)
})

t.test('refuses the RFC 6750 way', async (t) => {
  const clock = manualClock(Date.now())
  const app = await startUserIssuer(t, { clock: clock.now })
  const call = async (authorization?: string): Promise<Response> => await fetch(app.issuer.urls.userInfoEndpoint, { headers: authorization === undefined ? {} : { authorization } })
  const none = await call()
  t.equal(none.status, 401)
  t.equal(none.headers.get('www-authenticate'), 'Bearer realm="local-1_AbCdEf123"', 'no error code without a token')
  const bad = await call('Bearer not.a.token')
  t.equal(bad.status, 401)
  t.match(bad.headers.get('www-authenticate'), /error="invalid_token"/)
  t.equal((await call(`Bearer ${(await tokens(app)).id_token}`)).status, 401, 'an ID token is not an access token')
  const m2m = await call(`Bearer ${await getToken(app, CLIENTS.poster)}`)
  t.equal(m2m.status, 401, 'a machine token has no user')
  const narrow = await call(`Bearer ${await accessToken(app, 'transactions/get')}`)
  t.equal(narrow.status, 403)
  t.match(narrow.headers.get('www-authenticate'), /error="insufficient_scope", error_description="[^"]+", scope="openid"/)
  const token = await accessToken(app)
  clock.advance(3_601_000)
  const expired = await call(`Bearer ${token}`)
  t.equal(expired.status, 401)
  t.notMatch(JSON.stringify(await expired.json()), token, 'the token is never echoed')
  const query = await fetch(`${app.issuer.urls.userInfoEndpoint}?access_token=x`)
  t.equal(query.status, 400, 'no token in the query string')
  const put = await fetch(app.issuer.urls.userInfoEndpoint, { method: 'PUT' })
  t.equal(put.status, 405)
})

t.test('refuses a user who no longer exists', async (t) => {
  let state: 'present' | 'gone' | 'broken' = 'present'
  const app = await startUserIssuer(t, {
    users: {
      authenticate: async () => ({ sub: USERS.jane.sub, username: 'jane', attributes: {}, groups: [] }),
      findBySub: async (sub) => {
        if (state === 'broken') throw new Error('directory unreachable')
        return state === 'present' ? { sub, username: 'jane', attributes: {}, groups: [] } : undefined
      }
    }
  })
  const token = await accessToken(app)
  state = 'gone'
  const answer = await fetch(app.issuer.urls.userInfoEndpoint, { headers: { authorization: `Bearer ${token}` } })
  t.equal(answer.status, 401)
  state = 'broken'
  const broken = await fetch(app.issuer.urls.userInfoEndpoint, { headers: { authorization: `Bearer ${token}` } })
  t.equal(broken.status, 500, 'a failing user store is the server\'s fault, not the caller\'s')
})
