import { join } from 'node:path'
import t, { type Test } from 'tap'
import { decodeJwt } from 'jose'
import { basic, postToken, type Answer } from '../../helpers/issuer-fixtures.js'
import { CALLBACK, CODE_CLIENTS, USERS, logIn, pkce, startUserIssuer, userPoolConfig } from '../../helpers/user-flow.js'
import type { ClientConfig, IssuerConfig } from '../../../src/issuer/config/config.js'
import type { IssuerInstance } from '../../../src/issuer/server.js'

const WEB = CODE_CLIENTS.web
const SPA = CODE_CLIENTS.spa
const webAuth = basic(WEB.clientId, WEB.secret)

function refused (t: Test, answer: Answer, status: number, error: string): void {
  t.equal(answer.status, status, `status ${status}`)
  t.equal(answer.body?.error, error, `error ${error}`)
}

async function tokens (app: IssuerInstance, scope = 'openid transactions/get'): Promise<Answer> {
  const { code } = await logIn(app, { client_id: WEB.clientId, scope })
  return await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'authorization_code', code, redirect_uri: CALLBACK }, authorization: webAuth })
}

async function refresh (app: IssuerInstance, token: string, extra: Record<string, string> = {}, authorization: string | null = webAuth): Promise<Answer> {
  return await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'refresh_token', refresh_token: token, ...extra }, authorization: authorization ?? undefined })
}

t.test('refreshes: new access and ID tokens, the same login, the refresh token kept (Cognito\'s default)', async (t) => {
  const app = await startUserIssuer(t)
  const first = await tokens(app)
  const again = await refresh(app, first.body.refresh_token)
  t.equal(again.status, 200)
  t.same(Object.keys(again.body), ['access_token', 'id_token', 'token_type', 'expires_in'])
  const before = decodeJwt(first.body.access_token)
  const after = decodeJwt(again.body.access_token)
  t.equal(after.origin_jti, before.origin_jti, 'the login\'s origin_jti is kept')
  t.equal(after.auth_time, before.auth_time)
  t.not(after.jti, before.jti)
  t.equal(decodeJwt(again.body.id_token).sub, USERS.jane.sub)
  t.equal((await refresh(app, first.body.refresh_token)).status, 200, 'and works again')
  const narrow = await refresh(app, first.body.refresh_token, { scope: 'transactions/get' })
  t.equal(decodeJwt(narrow.body.access_token).scope, 'transactions/get', 'a refresh may narrow the scopes')
  t.notOk('id_token' in narrow.body)
  refused(t, await refresh(app, first.body.refresh_token, { scope: 'openid email' }), 400, 'invalid_scope')
  t.ok('id_token' in (await refresh(app, first.body.refresh_token, { scope: ' ' })).body, 'a blank scope keeps every scope')
})

t.test('a refresh token used by another client is invalid_grant', async (t) => {
  const app = await startUserIssuer(t, { clients: { spa: { secretHash: undefined } } })
  const first = await tokens(app)
  refused(t, await refresh(app, first.body.refresh_token, { client_id: SPA.clientId }, null), 400, 'invalid_grant')
  refused(t, await refresh(app, 'unknown-token'), 400, 'invalid_grant')
  refused(t, await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'refresh_token' }, authorization: webAuth }), 400, 'invalid_request')
})

interface PausableIssuer {
  readonly app: IssuerInstance
  /** From now on the user lookup waits: a refresh stops after marking its token replaced, before issuing. */
  pause: () => void
  /** Resolves once a lookup is waiting. */
  paused: () => Promise<void>
  resume: () => void
}

async function pausableIssuer (t: Test): Promise<PausableIssuer> {
  const jane = { sub: USERS.jane.sub, username: USERS.jane.username, attributes: {}, groups: [] }
  let pausing = false
  let arrived = (): void => {}
  const arrival = new Promise<void>((resolve) => { arrived = resolve })
  let open = (): void => {}
  let opened = Promise.resolve()
  const app = await startUserIssuer(t, {
    clients: { web: { refreshTokenRotation: true } },
    users: {
      authenticate: async (username, password) => username === USERS.jane.username && password === USERS.jane.password ? jane : undefined,
      findBySub: async () => {
        if (pausing) { arrived(); await opened }
        return jane
      }
    }
  })
  return {
    app,
    pause: () => { pausing = true; opened = new Promise((resolve) => { open = resolve }) },
    paused: async () => { await arrival },
    resume: () => { pausing = false; open() }
  }
}

/** A login's refresh token, and its refresh stopped after the token was marked replaced. */
async function refreshUnderWay (h: PausableIssuer): Promise<{ token: string, underWay: Promise<Answer> }> {
  const token = (await tokens(h.app)).body.refresh_token as string
  h.pause()
  const underWay = refresh(h.app, token)
  await h.paused()
  return { token, underWay }
}

t.test('with rotation, a token presented again while its refresh is under way leaves neither presenter a token', async (t) => {
  const h = await pausableIssuer(t)
  const { token, underWay } = await refreshUnderWay(h)
  refused(t, await refresh(h.app, token), 400, 'invalid_grant')
  h.resume()
  const late = await underWay
  refused(t, late, 400, 'invalid_grant')
  t.match(late.body.error_description, /revoked while new tokens were issued/)
})

t.test('with rotation, a token revoked while it is being refreshed leaves no working token', async (t) => {
  const h = await pausableIssuer(t)
  const { token, underWay } = await refreshUnderWay(h)
  t.equal((await postToken(h.app.issuer.urls.revocationEndpoint, { form: { token }, authorization: webAuth })).status, 200)
  h.resume()
  refused(t, await underWay, 400, 'invalid_grant')
})

t.test('with rotation, each refresh replaces the token, and a replaced one revokes the family', async (t) => {
  const app = await startUserIssuer(t, { clients: { web: { refreshTokenRotation: true } } })
  const first = await tokens(app)
  const second = await refresh(app, first.body.refresh_token)
  t.equal(second.status, 200)
  t.match(second.body.refresh_token, /^[\w-]{43}$/)
  t.not(second.body.refresh_token, first.body.refresh_token)
  const third = await refresh(app, second.body.refresh_token)
  t.equal(third.status, 200)
  refused(t, await refresh(app, first.body.refresh_token), 400, 'invalid_grant')
  refused(t, await refresh(app, third.body.refresh_token), 400, 'invalid_grant', )
  const info = await fetch(app.issuer.urls.userInfoEndpoint, { headers: { authorization: `Bearer ${third.body.access_token}` } })
  t.equal(info.status, 401, 'the family\'s access tokens are refused by userInfo')
})

t.test('refresh-token hashes survive a restart', async (t) => {
  const refreshTokenFile = join(t.testdir(), 'refresh.json')
  const keyFile = join(t.testdir(), 'keys.json')
  const app = await startUserIssuer(t, { refreshTokenFile, keyFile })
  const first = await tokens(app)
  await app.close()
  const restarted = await startUserIssuer(t, { refreshTokenFile, keyFile })
  t.equal((await refresh(restarted, first.body.refresh_token)).status, 200)
})

t.test('a user removed since the login gets no tokens', async (t) => {
  let present = true
  const app = await startUserIssuer(t, {
    users: {
      authenticate: async () => ({ sub: USERS.jane.sub, username: 'jane', attributes: {}, groups: [] }),
      findBySub: async (sub) => present ? { sub, username: 'jane', attributes: {}, groups: [] } : undefined
    }
  })
  const first = await tokens(app)
  present = false
  refused(t, await refresh(app, first.body.refresh_token), 400, 'invalid_grant')
})

t.test('PKCE pairs are independent per login', async (t) => {
  t.not(pkce().verifier, pkce().verifier)
})

t.test('a rotated refresh token keeps the scope of the login after a narrowing refresh (RFC 6749 §6)', async (t) => {
  const app = await startUserIssuer(t, { clients: { web: { refreshTokenRotation: true } } })
  const first = await tokens(app)
  const narrow = await refresh(app, first.body.refresh_token, { scope: 'transactions/get' })
  t.equal(decodeJwt(narrow.body.access_token).scope, 'transactions/get', 'the access token is narrowed')
  const wide = await refresh(app, narrow.body.refresh_token)
  t.equal(wide.status, 200)
  t.equal(decodeJwt(wide.body.access_token).scope, 'openid transactions/get', 'the new refresh token still carries the login\'s scope')
})

/** The user pool, with a resource server `ledger` (scope `read`) that the web client is allowed too. */
async function withLedger (web: Partial<ClientConfig>): Promise<IssuerConfig> {
  const config = await userPoolConfig({ web: { allowedOAuthScopes: ['openid', 'email', 'profile', 'transactions/get', 'ledger/read'], ...web } })
  config.resourceServers.push({ identifier: 'ledger', name: 'ledger', scopes: [{ name: 'read', description: 'read entries' }] })
  return config
}

t.test('a refresh drops the scopes the client is no longer allowed, and asking for one is invalid_scope', async (t) => {
  const refreshTokenFile = join(t.testdir(), 'refresh.json')
  const keyFile = join(t.testdir(), 'keys.json')
  const files = { refreshTokenFile, keyFile }
  const before = await startUserIssuer(t, { config: await withLedger({ refreshTokenRotation: true }), ...files })
  const login = await tokens(before, 'openid email transactions/get ledger/read')
  t.equal(decodeJwt(login.body.access_token).scope, 'openid email transactions/get ledger/read')
  await before.close()

  // An admin takes transactions/get and email from the client, and removes the ledger resource server.
  const narrowed = await userPoolConfig({ web: { allowedOAuthScopes: ['openid', 'profile'], refreshTokenRotation: true } })
  const after = await startUserIssuer(t, { config: narrowed, ...files })
  const asked = await refresh(after, login.body.refresh_token, { scope: 'openid transactions/get' })
  refused(t, asked, 400, 'invalid_scope')
  t.match(asked.body.error_description, /no longer allowed/)
  refused(t, await refresh(after, login.body.refresh_token, { scope: 'ledger/read' }), 400, 'invalid_scope')
  const renewed = await refresh(after, login.body.refresh_token)
  t.equal(renewed.status, 200, 'a refused request did not use the token up')
  t.equal(decodeJwt(renewed.body.access_token).scope, 'openid', 'only what is still allowed')
  t.ok('id_token' in renewed.body)
  await after.close()

  // The scopes allowed again: the rotated refresh token carries only what it was renewed with.
  const restored = await startUserIssuer(t, { config: await withLedger({ refreshTokenRotation: true }), ...files })
  const later = await refresh(restored, renewed.body.refresh_token)
  t.equal(later.status, 200)
  t.equal(decodeJwt(later.body.access_token).scope, 'openid', 'rotation does not bring a dropped scope back')
  refused(t, await refresh(restored, later.body.refresh_token, { scope: 'transactions/get' }), 400, 'invalid_scope')
})

/** A login on an issuer that then restarts, on the same files, with the web client allowed only `scopes`. */
async function loginThenAllow (t: Test, scopes: string[]): Promise<{ refreshToken: string, after: IssuerInstance }> {
  const files = { refreshTokenFile: join(t.testdir(), 'refresh.json'), keyFile: join(t.testdir(), 'keys.json') }
  const before = await startUserIssuer(t, files)
  const login = await tokens(before)
  await before.close()
  return { refreshToken: login.body.refresh_token, after: await startUserIssuer(t, { clients: { web: { allowedOAuthScopes: scopes } }, ...files }) }
}

t.test('a refresh is invalid_grant once the client is allowed none of the login\'s scopes', async (t) => {
  const { refreshToken, after } = await loginThenAllow(t, ['profile'])
  const answer = await refresh(after, refreshToken)
  refused(t, answer, 400, 'invalid_grant')
  t.match(answer.body.error_description, /no longer allowed any scope/)
})

t.test('without rotation, every refresh checks the scopes the client is allowed now', async (t) => {
  const { refreshToken, after } = await loginThenAllow(t, ['transactions/get'])
  for (let i = 0; i < 2; i++) {
    const again = await refresh(after, refreshToken)
    t.equal(decodeJwt(again.body.access_token).scope, 'transactions/get')
    t.notOk('id_token' in again.body, 'openid was taken away: no ID token')
  }
  refused(t, await refresh(after, refreshToken, { scope: 'openid' }), 400, 'invalid_scope')
})

t.test("a public client's refresh tokens rotate by default, and it may not opt out", async (t) => {
  const app = await startUserIssuer(t)
  const { verifier, challenge } = pkce()
  const { code } = await logIn(app, { client_id: SPA.clientId, scope: 'openid transactions/get', code_challenge: challenge, code_challenge_method: 'S256' })
  const first = await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: SPA.clientId, code_verifier: verifier } })
  t.equal(first.status, 200)
  const second = await refresh(app, first.body.refresh_token, { client_id: SPA.clientId }, null)
  t.equal(second.status, 200)
  t.not(second.body.refresh_token, undefined, 'a new refresh token')
  refused(t, await refresh(app, first.body.refresh_token, { client_id: SPA.clientId }, null), 400, 'invalid_grant')
  await t.rejects(startUserIssuer(t, { clients: { spa: { refreshTokenRotation: false } } }), { name: 'TypeError', message: /refreshTokenRotation.*public client/ })
})
