import t from 'tap'
import { buildRelyingParty } from '../../example-gateway/relying-party.js'
import { runSignIn } from '../../example-gateway/sign-in-flow.js'
import { startDemoStack, type DemoStack } from '../../example-gateway/stack.js'

const stack = await startDemoStack({ issuerPort: 0, upstreamPort: 0, gatewayPort: 0, relyingPartyPort: 0 })
t.teardown(stack.close)

const get = async (url: string): Promise<Response> => await fetch(url, { redirect: 'manual' })

async function steps (target: DemoStack): Promise<Array<{ name: string, expected: number, status: number }>> {
  const seen: Array<{ name: string, expected: number, status: number }> = []
  await runSignIn(target, (name, expected, status) => { seen.push({ name, expected, status }) })
  return seen
}

t.test('signs the demo user in and calls the gateway, twice', async (t) => {
  for (let i = 0; i < 2; i++) {
    const seen = await steps(stack)
    t.same(seen.filter((s) => s.status !== s.expected), [], 'every step behaves')
    t.equal(seen.length, 7)
  }
})

t.test('a sign-in that goes wrong ends as a failed step, without throwing', async (t) => {
  const wrong = await steps({ ...stack, user: { username: 'demo', password: 'not-it' } })
  t.match(wrong.at(-2), { expected: 302, status: 401 })
  t.match(wrong.at(-1), { name: /could not go on/, status: 0 })
  const nowhere = await steps({ ...stack, loginUrl: `${stack.relyingPartyUrl}/signed-out` })
  t.match(nowhere.at(-1), { name: /could not go on/, status: 0 })
})

t.test('shows the issuer\'s refusals and unknown states as pages, never as a crash', async (t) => {
  const home = await get(stack.relyingPartyUrl)
  t.equal(home.status, 200)
  t.match(home.headers.get('content-security-policy'), /frame-ancestors 'none'/)
  const refused = await get(`${stack.relyingPartyUrl}/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E`)
  t.equal(refused.status, 400)
  const html = await refused.text()
  t.match(html, /access_denied/)
  t.notMatch(html, /<b>no/, 'escaped')
  t.equal((await get(`${stack.relyingPartyUrl}/callback?error=server_error`)).status, 400)
  t.equal((await get(`${stack.relyingPartyUrl}/callback?state=unknown&code=x`)).status, 400)
  t.equal((await get(`${stack.relyingPartyUrl}/callback`)).status, 400)
  const start = new URL((await get(stack.loginUrl)).headers.get('location') as string)
  const state = start.searchParams.get('state') as string
  t.equal((await get(`${stack.relyingPartyUrl}/callback?state=${state}`)).status, 400, 'no code')
  const badCode = await get(`${stack.relyingPartyUrl}/callback?state=${state}&code=made-up`)
  t.equal(badCode.status, 502)
  t.match(await badCode.text(), /invalid_grant/)
  t.equal((await get(`${stack.relyingPartyUrl}/signed-out`)).status, 200)
})

t.test('refuses an ID token whose nonce is not the one it sent', async (t) => {
  const start = new URL((await get(stack.loginUrl)).headers.get('location') as string)
  start.searchParams.set('nonce', 'another-nonce')
  const login = new URL((await get(start.href)).headers.get('location') as string)
  const page = await get(login.href)
  const html = await page.text()
  const value = (name: string): string => (new RegExp(`name="${name}" value="([^"]*)"`).exec(html) as RegExpExecArray)[1] as string
  const answer = await fetch(new URL('/login', login), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: String(page.headers.get('set-cookie')).split(';')[0] as string },
    body: new URLSearchParams({ _csrf: value('_csrf'), request: value('request'), username: stack.user.username, password: stack.user.password }).toString()
  })
  const callback = await get(answer.headers.get('location') as string)
  t.equal(callback.status, 400)
  t.match(await callback.text(), /nonce/)
})

t.test('forgets the oldest sign-in in progress past its limit', async (t) => {
  const rp = buildRelyingParty(() => ({
    issuer: stack.issuer,
    authorizationEndpoint: 'http://127.0.0.1:1/oauth2/authorize',
    tokenEndpoint: stack.tokenEndpoint,
    jwksUri: `${stack.issuer}/.well-known/jwks.json`,
    logoutEndpoint: 'http://127.0.0.1:1/logout',
    clientId: 'c',
    clientSecret: 's',
    scope: 'openid',
    callbackUrl: 'http://127.0.0.1:1/callback',
    signedOutUrl: 'http://127.0.0.1:1/signed-out',
    resourceUrl: 'http://127.0.0.1:1/transactions'
  }), { maxPendingSignIns: 1 })
  t.teardown(() => rp.close())
  const first = new URL((await rp.inject({ url: '/sign-in' })).headers.location as string).searchParams.get('state')
  await rp.inject({ url: '/sign-in' })
  const answer = await rp.inject({ url: `/callback?state=${String(first)}&code=x` })
  t.equal(answer.statusCode, 400, 'the first state was forgotten')
})
