import t, { type Test } from 'tap'
import { CALLBACK, CODE_CLIENTS, authorizeUrl, get, pkce, startUserIssuer } from '../../helpers/user-flow.js'
import { PENDING_LOGINS_PER_ADDRESS } from '../../../src/issuer/flow/authorization-request.js'
import type { IssuerInstance } from '../../../src/issuer/server.js'

const app = await startUserIssuer(t)
const WEB = CODE_CLIENTS.web.clientId
const SPA = CODE_CLIENTS.spa.clientId
const { challenge } = pkce()

/** An error page: 400, HTML, no Location. */
async function errorPage (t: Test, url: string, says: RegExp): Promise<void> {
  const answer = await get(url)
  t.equal(answer.status, 400)
  t.equal(answer.headers.get('location'), null, 'never a redirect')
  t.match(answer.headers.get('content-type'), /^text\/html/)
  t.match(answer.headers.get('content-security-policy'), /frame-ancestors 'none'/)
  t.match(await answer.text(), says)
}

/** A redirect back to the callback with error, error_description and state. */
async function redirected (t: Test, url: string, error: string, state: string | null = 'st'): Promise<URL> {
  const answer = await get(url)
  t.equal(answer.status, 302)
  const location = new URL(answer.headers.get('location') as string)
  t.equal(`${location.origin}${location.pathname}`, CALLBACK)
  t.equal(location.searchParams.get('error'), error, `error=${error}`)
  t.ok(location.searchParams.get('error_description'))
  t.equal(location.searchParams.get('state'), state, 'state comes back unchanged')
  t.equal(location.searchParams.get('code'), null)
  return location
}

const good = (over: Record<string, string | undefined> = {}): Record<string, string | undefined> =>
  ({ response_type: 'code', client_id: WEB, redirect_uri: CALLBACK, state: 'st', scope: 'openid', ...over })
const url = (over: Record<string, string | undefined> = {}, target: IssuerInstance = app): string => authorizeUrl(target, good(over))

t.test('accepts a good request and sends the browser to the login page', async (t) => {
  const answer = await get(url({ code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n' }))
  t.equal(answer.status, 302)
  t.match(answer.headers.get('location'), new RegExp(`^${app.issuer.urls.loginPage}\\?request=[\\w-]{43}$`))
  t.equal(answer.headers.get('cache-control'), 'no-store')
  t.equal((await get(url({ scope: undefined, state: undefined }))).status, 302, 'scope and state are optional')
  t.equal((await get(`${url()}&prompt=login&ui_locales=fr`)).status, 302, 'unknown parameters are ignored')
})

t.test('an unknown client gets an error page, never a redirect', async (t) => {
  await errorPage(t, url({ client_id: 'nobody' }), /The client is unknown/)
  await errorPage(t, url({ client_id: undefined }), /The client is unknown/)
  await errorPage(t, `${url()}&client_id=${SPA}`, /The client is unknown/)
  await errorPage(t, app.issuer.urls.authorizationEndpoint, /The client is unknown/)
})

t.test('a redirect_uri that is not registered exactly gets an error page: no open redirect', async (t) => {
  for (const redirect of ['https://evil.example/callback', `${CALLBACK}/`, `${CALLBACK}?x=1`, 'http://127.0.0.1:1/CALLBACK', undefined]) {
    await errorPage(t, url({ redirect_uri: redirect }), /redirect_uri is missing or is not one of the callback URLs/)
  }
  await errorPage(t, `${url()}&redirect_uri=${encodeURIComponent(CALLBACK)}`, /redirect_uri/)
})

t.test('the implicit grant and other response types: unsupported_response_type', async (t) => {
  for (const type of ['token', 'id_token', 'code token', 'code id_token']) await redirected(t, url({ response_type: type }), 'unsupported_response_type')
  await redirected(t, url({ response_type: undefined }), 'invalid_request')
})

t.test('a repeated parameter: invalid_request, and a repeated state is not echoed', async (t) => {
  await redirected(t, `${url()}&scope=openid`, 'invalid_request')
  await redirected(t, `${url()}&state=other`, 'invalid_request', null)
})

t.test('a scope the client is not allowed: invalid_scope', async (t) => {
  await redirected(t, url({ scope: 'openid transactions/post' }), 'invalid_scope')
  await redirected(t, url({ scope: 'phone' }), 'invalid_scope')
})

t.test('a client not allowed the code flow: unauthorized_client', async (t) => {
  const target = await startUserIssuer(t, { clients: { web: { allowedOAuthFlows: ['implicit'] } } })
  await redirected(t, url({}, target), 'unauthorized_client')
})

t.test('PKCE: S256 only, and required from public clients', async (t) => {
  await redirected(t, url({ code_challenge: challenge, code_challenge_method: 'plain' }), 'invalid_request')
  await redirected(t, url({ code_challenge: challenge }), 'invalid_request')
  await redirected(t, url({ code_challenge_method: 'S256' }), 'invalid_request')
  await redirected(t, url({ code_challenge: 'too-short', code_challenge_method: 'S256' }), 'invalid_request')
  const missing = await redirected(t, url({ client_id: SPA }), 'invalid_request')
  t.match(missing.searchParams.get('error_description'), /public client must use PKCE/)
  t.equal((await get(url({ client_id: SPA, code_challenge: challenge, code_challenge_method: 'S256' }))).status, 302)
})

t.test('state and nonce must be printable and bounded', async (t) => {
  await redirected(t, url({ nonce: 'x'.repeat(2049) }), 'invalid_request')
  await redirected(t, url({ state: 'a\u0000b' }), 'invalid_request', null)
  await redirected(t, url({ state: 'x'.repeat(2049) }), 'invalid_request', null)
})

t.test('prompt=none gets login_required at once, since the issuer keeps no login session (OIDC Core §3.1.2.1)', async (t) => {
  await redirected(t, url({ prompt: 'none' }), 'login_required')
  await redirected(t, url({ prompt: 'none login' }), 'invalid_request')
  await redirected(t, url({ prompt: 'silent' }), 'invalid_request')
  for (const prompt of ['login', 'consent select_account', ' login ']) {
    const answer = await get(url({ prompt }))
    t.match(answer.headers.get('location'), new RegExp(`^${app.issuer.urls.loginPage}\\?request=`), `prompt=${prompt} shows the login page, as every request does`)
  }
})

t.test('one address holds at most PENDING_LOGINS_PER_ADDRESS pending logins: past that, its own oldest goes', async (t) => {
  const target = await startUserIssuer(t)
  const pendingAt = async (): Promise<string> => (await get(url({}, target))).headers.get('location') as string
  const oldest = await pendingAt()
  t.equal((await get(oldest)).status, 200, 'the login page for the first request')
  for (let i = 0; i < PENDING_LOGINS_PER_ADDRESS; i++) await pendingAt()
  const gone = await get(oldest)
  t.equal(gone.status, 400)
  t.match(await gone.text(), /unknown or expired/, 'pushed out by the same address\'s later requests')
})

t.test('answers other methods with 405', async (t) => {
  const answer = await fetch(url(), { method: 'POST' })
  t.equal(answer.status, 405)
  t.equal(answer.headers.get('allow'), 'GET, HEAD')
})

t.test('an error page before the issuer listens links to the paths the issuer serves', async (t) => {
  const { createIssuer } = await import('../../../src/issuer/server.js')
  const { userPoolConfig } = await import('../../helpers/user-flow.js')
  const idle = await createIssuer({ config: await userPoolConfig() })
  t.teardown(() => idle.close())
  const answer = await idle.inject({ method: 'GET', url: '/oauth2/authorize?client_id=nobody&response_type=code' })
  t.equal(answer.statusCode, 400)
  t.match(answer.body, /href="\/login\.css"/)
})
