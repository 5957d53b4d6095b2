import t from 'tap'
import { CODE_CLIENTS, get, startUserIssuer } from '../../helpers/user-flow.js'

t.test('redirects to a registered sign-out URL, and to nothing else', async (t) => {
  const app = await startUserIssuer(t)
  const url = (query: string): string => `${app.issuer.urls.logoutEndpoint}?${query}`
  const ok = await get(url(`client_id=${CODE_CLIENTS.web.clientId}&logout_uri=${encodeURIComponent('http://127.0.0.1:1/signed-out')}`))
  t.equal(ok.status, 302)
  t.equal(ok.headers.get('location'), 'http://127.0.0.1:1/signed-out')
  for (const query of [
    `client_id=${CODE_CLIENTS.web.clientId}&logout_uri=${encodeURIComponent('https://evil.example/')}`,
    `client_id=${CODE_CLIENTS.web.clientId}`,
    `client_id=${CODE_CLIENTS.web.clientId}&logout_uri=${encodeURIComponent('http://127.0.0.1:1/signed-out')}&logout_uri=x`,
    `client_id=nobody&logout_uri=${encodeURIComponent('http://127.0.0.1:1/signed-out')}`,
    `client_id=${CODE_CLIENTS.web.clientId}&client_id=${CODE_CLIENTS.web.clientId}`,
    ''
  ]) {
    const answer = await get(url(query))
    t.equal(answer.status, 400, query)
    t.equal(answer.headers.get('location'), null)
  }
  t.equal((await fetch(app.issuer.urls.logoutEndpoint, { method: 'POST' })).status, 405)
})

t.test("takes OpenID Connect's post_logout_redirect_uri too, passing state back", async (t) => {
  const app = await startUserIssuer(t)
  const signedOut = encodeURIComponent('http://127.0.0.1:1/signed-out')
  const url = (query: string): string => `${app.issuer.urls.logoutEndpoint}?client_id=${CODE_CLIENTS.web.clientId}&${query}`
  const withState = await get(url(`post_logout_redirect_uri=${signedOut}&state=a%20b`))
  t.equal(withState.status, 302)
  t.equal(withState.headers.get('location'), 'http://127.0.0.1:1/signed-out?state=a+b')
  t.equal((await get(url(`post_logout_redirect_uri=${signedOut}`))).headers.get('location'), 'http://127.0.0.1:1/signed-out')
  t.equal((await get(url(`logout_uri=${signedOut}&state=s`))).headers.get('location'), 'http://127.0.0.1:1/signed-out', "Cognito's spelling passes no state")
  const both = await get(url(`logout_uri=${signedOut}&post_logout_redirect_uri=${signedOut}`))
  t.equal(both.status, 400, 'both spellings at once')
  t.equal((await get(url(`post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`))).status, 400)
})
