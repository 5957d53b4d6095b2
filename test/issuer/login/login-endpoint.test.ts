import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { LOGIN_FAILED } from '../../../src/issuer/login/login-endpoint.js'
import { POOL_ID } from '../../helpers/issuer-fixtures.js'
import { CALLBACK, CODE_CLIENTS, USERS, authorizeUrl, get, openLogin, submitLogin, startUserIssuer, userPoolConfig, type LoginForm } from '../../helpers/user-flow.js'

const WEB = CODE_CLIENTS.web.clientId
const params = { response_type: 'code', client_id: WEB, redirect_uri: CALLBACK, state: 'st', scope: 'openid email' }

t.test('renders the login page with the client name and scopes, CSRF token and strict headers', async (t) => {
  const app = await startUserIssuer(t)
  const form = await openLogin(authorizeUrl(app, params))
  t.match(form.page, /<strong>Web App<\/strong> asks for:/)
  t.match(form.page, /<code>openid<\/code>/)
  t.match(form.page, /<code>email<\/code>/)
  t.notMatch(form.page, /<script/i, 'no script at all')
  t.ok(form.csrf.length > 20)
  t.match(form.cookie, /^login-csrf=/)
  const page = await get(form.loginUrl)
  const csp = page.headers.get('content-security-policy') as string
  t.match(csp, /default-src 'none'/)
  t.notMatch(csp, /script-src/, 'no script source is allowed')
  t.match(csp, /frame-ancestors 'none'/)
  t.match(csp, /form-action 'self' http:\/\/127\.0\.0\.1:1/, 'the form may redirect to the client, and nowhere else')
  t.equal(page.headers.get('x-frame-options'), 'DENY')
  t.equal(page.headers.get('cache-control'), 'no-store')
  t.match(page.headers.get('set-cookie'), /HttpOnly/)
  t.match(page.headers.get('set-cookie'), /SameSite=Strict/)
  t.match(page.headers.get('set-cookie'), /; Path=\/login(;|$)/)
  t.match(form.page, /<form method="post" action="\/login">/)
  t.match(form.page, /<link rel="stylesheet" href="\/login\.css">/)
  const unnamed = await startUserIssuer(t, { clients: { web: { clientName: undefined } } })
  t.match((await openLogin(authorizeUrl(unnamed, params))).page, `<strong>${WEB}</strong>`, 'a client without a name shows its id')
  const css = await get(new URL('/login.css', form.loginUrl).href)
  t.equal(css.status, 200)
  t.match(css.headers.get('content-type'), /^text\/css/)
})

/**
 * A reverse proxy on 127.0.0.1, port 0, that routes by a path prefix: it forwards what is under
 * `prefix` to the issuer with the prefix stripped, and answers 404 to anything else.
 */
async function prefixProxy (t: Test, prefix: string): Promise<{ origin: string, forwardTo: (port: number) => void }> {
  let port = 0
  const server = createServer((incoming, outgoing) => {
    const url = incoming.url as string
    if (!url.startsWith(`${prefix}/`)) {
      outgoing.writeHead(404).end()
      return
    }
    const upstream = request({ host: '127.0.0.1', port, path: url.slice(prefix.length), method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode as number, answer.headers)
      answer.pipe(outgoing)
    })
    incoming.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, forwardTo: (p) => { port = p } }
}

t.test('behind a proxy that routes by a path prefix, the form, its stylesheet and its cookie sit under the prefix', async (t) => {
  const proxy = await prefixProxy(t, '/tenants')
  const app = await startUserIssuer(t, { issuerUrl: `${proxy.origin}/tenants/${POOL_ID}` })
  proxy.forwardTo((app.server.address() as AddressInfo).port)
  const form = await openLogin(authorizeUrl(app, params))
  t.equal(new URL(form.loginUrl).pathname, '/tenants/login', 'authorize sends the browser under the prefix')
  t.equal(new URL(form.action).pathname, '/tenants/login', 'the form posts under the prefix')
  const stylesheet = new URL(/<link rel="stylesheet" href="([^"]*)">/.exec(form.page)?.[1] as string, form.loginUrl)
  t.equal(stylesheet.pathname, '/tenants/login.css', 'the stylesheet is linked under the prefix')
  const css = await get(stylesheet.href)
  t.equal(css.status, 200)
  t.match(css.headers.get('content-type'), /^text\/css/)

  const page = await get(form.loginUrl)
  t.match(page.headers.get('set-cookie'), /; Path=\/tenants\/login(;|$)/, 'the CSRF cookie is scoped to the login page as the browser sees it')
  t.equal(page.headers.get('content-security-policy'), "default-src 'none'; style-src 'self'; form-action 'self' http://127.0.0.1:1; frame-ancestors 'none'; base-uri 'none'",
    'the CSP is unchanged: the form and the stylesheet are on the page\'s own origin')
  const answer = await submitLogin(form, USERS.jane)
  t.equal(answer.status, 302, 'the sign-in succeeds through the proxy')
  t.match(new URL(answer.headers.get('location') as string).searchParams.get('code'), /^[\w-]{43}$/)

  const failed = await submitLogin(await openLogin(authorizeUrl(app, params)), { username: 'jane', password: 'wrong password' })
  t.match(await failed.text(), /<form method="post" action="\/tenants\/login">/, 'the page shown again after a failure posts under the prefix too')
  const error = await get(`${app.issuer.urls.authorizationEndpoint}?client_id=nobody`)
  t.equal(error.status, 400)
  t.match(await error.text(), /<link rel="stylesheet" href="\/tenants\/login\.css">/, 'so does an error page\'s stylesheet')
})

t.test('escapes every value it shows, with a library', async (t) => {
  const config = await userPoolConfig({ web: { allowedOAuthScopes: ['openid', "x/<img'src=x>&amp;"] } })
  config.resourceServers.push({ identifier: 'x', name: 'x', scopes: [{ name: "<img'src=x>&amp;", description: 'd' }] })
  const xss = await startUserIssuer(t, { config })
  const form = await openLogin(authorizeUrl(xss, { ...params, scope: "openid x/<img'src=x>&amp;" }))
  t.notMatch(form.page, /<img/, 'no markup from a scope')
  t.match(form.page, /x\/&lt;img&#39;src=x&gt;&amp;amp;/)
  const failed = await submitLogin(form, { username: '"><b>x', password: 'wrong password' })
  const html = await failed.text()
  t.notMatch(html, /<b>x/, 'the typed username is escaped too')
  t.match(html, /value="&quot;&gt;&lt;b&gt;x"/)
})

t.test('a successful login redirects with a code and the state', async (t) => {
  const app = await startUserIssuer(t)
  const form = await openLogin(authorizeUrl(app, params))
  const answer = await submitLogin(form, USERS.jane)
  t.equal(answer.status, 302)
  const location = new URL(answer.headers.get('location') as string)
  t.equal(`${location.origin}${location.pathname}`, CALLBACK)
  t.match(location.searchParams.get('code'), /^[\w-]{43}$/)
  t.equal(location.searchParams.get('state'), 'st')
  const again = await submitLogin(form, USERS.jane)
  t.equal(again.status, 400, 'the sign-in request is used up')
  t.match(await again.text(), /unknown or expired/)
  const stateless = await openLogin(authorizeUrl(app, { ...params, state: undefined }))
  const noState = new URL((await submitLogin(stateless, USERS.jane)).headers.get('location') as string)
  t.equal(noState.searchParams.get('state'), null, 'no state when none was sent')
})

t.test('the same page submitted twice at once gives one code', async (t) => {
  // Both submissions are inside the password check before either leaves it.
  let arrived = 0
  let release = (): void => {}
  const bothIn = new Promise<void>((resolve) => { release = resolve })
  const app = await startUserIssuer(t, {
    users: {
      authenticate: async () => {
        if (++arrived === 2) release()
        await bothIn
        return { sub: USERS.jane.sub, username: USERS.jane.username, attributes: {}, groups: [] }
      },
      findBySub: async () => undefined
    }
  })
  const form = await openLogin(authorizeUrl(app, params))
  const answers = await Promise.all([submitLogin(form, USERS.jane), submitLogin(form, USERS.jane)])
  t.equal(arrived, 2)
  t.same(answers.map((a) => a.status).sort(), [302, 400], 'one redirect with a code, one error page')
})

t.test('a failed login shows one generic message, whatever was wrong', async (t) => {
  const app = await startUserIssuer(t)
  const form = await openLogin(authorizeUrl(app, params))
  const pages: string[] = []
  for (const attempt of [{ username: 'jane', password: 'wrong password' }, { username: 'nobody', password: USERS.jane.password }, { username: '', password: '' }]) {
    const answer = await submitLogin(form, attempt)
    t.equal(answer.status, 401)
    t.equal(answer.headers.get('location'), null)
    const html = await answer.text()
    t.match(html, LOGIN_FAILED)
    pages.push(html.replace(/value="[^"]*"/g, ''))
  }
  t.equal(new Set(pages).size, 1, 'the pages are identical but for the form values')
})

t.test('a forged or missing CSRF token is refused', async (t) => {
  const app = await startUserIssuer(t)
  const form = await openLogin(authorizeUrl(app, params))
  const forged = await submitLogin(form, { ...USERS.jane, csrf: 'forged-token' })
  t.equal(forged.status, 403)
  t.equal(forged.headers.get('location'), null)
  t.match(await forged.text(), /form expired or was not sent from this page/)
  const noCookie = await submitLogin(form, { ...USERS.jane, cookie: '' })
  t.equal(noCookie.status, 403)
  const other = await openLogin(authorizeUrl(app, params))
  const swapped = await submitLogin(form, { ...USERS.jane, csrf: other.csrf })
  t.equal(swapped.status, 403, 'a token minted for another browser does not fit this cookie')
})

t.test('throttles attempts per username and per client address', async (t) => {
  const app = await startUserIssuer(t, { loginAttemptsPerUsername: 2, loginAttemptsPerAddress: 4 })
  const form = await openLogin(authorizeUrl(app, params))
  t.equal((await submitLogin(form, { username: 'jane', password: 'wrong 1' })).status, 401)
  t.equal((await submitLogin(form, { username: 'JANE', password: 'wrong 2' })).status, 401)
  const limited = await submitLogin(form, { username: 'jane', password: USERS.jane.password })
  t.equal(limited.status, 429, 'the third attempt on jane is throttled, even with the right password')
  t.match(await limited.text(), /Too many sign-in attempts/)
  t.equal((await submitLogin(form, { username: 'bob', password: 'wrong' })).status, 401, 'another user is not')
  t.equal((await submitLogin(form, { username: 'carol', password: 'wrong' })).status, 429, 'but the address has used up its attempts')
})

/** Posts the login form from another loopback address (the whole of 127/8 is loopback). */
async function submitFrom (localAddress: string, form: LoginForm, fields: { username: string, password: string }): Promise<number> {
  const body = new URLSearchParams({ _csrf: form.csrf, request: form.request, ...fields }).toString()
  return await new Promise((resolve, reject) => {
    const req = request(form.action, { method: 'POST', localAddress, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie } }, (res) => {
      res.resume()
      res.on('end', () => { resolve(res.statusCode as number) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

t.test('an address over its limit is refused before the username is counted', async (t) => {
  const app = await startUserIssuer(t, { loginAttemptsPerUsername: 2, loginAttemptsPerAddress: 2 })
  const form = await openLogin(authorizeUrl(app, params))
  t.equal((await submitLogin(form, { username: 'carol', password: 'wrong' })).status, 401)
  t.equal((await submitLogin(form, { username: 'carol', password: 'wrong' })).status, 401)
  for (let i = 0; i < 3; i++) t.equal((await submitLogin(form, { username: 'jane', password: 'wrong' })).status, 429, 'this address is over its limit')
  t.equal(await submitFrom('127.0.0.2', await openLogin(authorizeUrl(app, params)), USERS.jane), 302, 'those refusals never spent jane\'s attempts')
})

t.test('made-up usernames never push a real username\'s count out of the store', async (t) => {
  const app = await startUserIssuer(t, { loginAttemptsPerUsername: 2, loginAttemptsPerAddress: 10_000 })
  const form = await openLogin(authorizeUrl(app, params))
  t.equal((await submitLogin(form, { username: 'jane', password: 'wrong 1' })).status, 401)
  t.equal((await submitLogin(form, { username: 'jane', password: 'wrong 2' })).status, 401)
  // More usernames than @fastify/rate-limit's default store keeps (5,000), each with an unknown
  // sign-in request, so no password is checked.
  const headers = { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie }
  for (let i = 0; i < 5_100; i++) {
    const res = await app.inject({ method: 'POST', url: '/login', headers, payload: new URLSearchParams({ _csrf: form.csrf, request: 'none', username: `junk${i}`, password: 'x' }).toString() })
    if (res.statusCode !== 400) t.fail(`junk attempt ${i} answered ${res.statusCode}`)
  }
  t.equal((await submitLogin(form, USERS.jane)).status, 429, 'jane\'s count is still there')
})

t.test('an unknown or expired sign-in request gets an error page', async (t) => {
  const app = await startUserIssuer(t)
  const unknown = await get(`${app.issuer.urls.loginPage}?request=nope`)
  t.equal(unknown.status, 400)
  t.match(await unknown.text(), /unknown or expired/)
  t.equal((await get(app.issuer.urls.loginPage)).status, 400)
  const form = await openLogin(authorizeUrl(app, params))
  const answer = await submitLogin(form, { ...USERS.jane, request: 'nope' })
  t.equal(answer.status, 400)
})

t.test('a malformed form gets an error page, never a 5xx', async (t) => {
  const app = await startUserIssuer(t)
  const form = await openLogin(authorizeUrl(app, params))
  const post = async (body: string, type = 'application/x-www-form-urlencoded'): Promise<Response> => await fetch(form.action, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': type, cookie: form.cookie }, body
  })
  t.equal((await post('{"a":1}', 'application/json')).status, 400)
  t.equal((await post(`_csrf=${encodeURIComponent(form.csrf)}&request=${form.request}&username=a&username=b&password=x`)).status, 401, 'a repeated field counts as empty')
  t.equal((await post('x'.repeat(10_000))).status, 400, 'too large')
  const put = await fetch(form.loginUrl, { method: 'PUT' })
  t.equal(put.status, 405)
  t.equal(put.headers.get('allow'), 'GET, HEAD, POST')
})

t.test('a user store that fails gives a 500 page and a log line without the password', async (t) => {
  const lines: string[] = []
  const app = await startUserIssuer(t, {
    users: { authenticate: async () => { throw new Error('directory unreachable') }, findBySub: async () => undefined },
    logger: { level: 'info', stream: { write: (line: string) => { lines.push(line) } } }
  })
  const form = await openLogin(authorizeUrl(app, params))
  const answer = await submitLogin(form, USERS.jane)
  t.equal(answer.status, 500)
  t.match(await answer.text(), /could not be completed/)
  t.match(lines.join(''), /directory unreachable/)
  t.notMatch(lines.join(''), USERS.jane.password, 'the password never reaches the log')
  t.notMatch(lines.join(''), form.csrf, 'nor the CSRF token')
})
