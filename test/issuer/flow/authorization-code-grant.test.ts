import { createHash } from 'node:crypto'
import t, { type Test } from 'tap'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { atHash } from '../../../src/issuer/tokens/user-tokens.js'
import { basic, CLIENTS, postToken, type Answer } from '../../helpers/issuer-fixtures.js'
import { manualClock } from '../../helpers/jwks-server.js'
import { CALLBACK, CODE_CLIENTS, USERS, logIn, pkce, startUserIssuer } from '../../helpers/user-flow.js'
import type { IssuerInstance } from '../../../src/issuer/server.js'

const WEB = CODE_CLIENTS.web
const SPA = CODE_CLIENTS.spa
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const webAuth = basic(WEB.clientId, WEB.secret)

function refused (t: Test, answer: Answer, status: number, error: string): void {
  t.equal(answer.status, status, `status ${status}`)
  t.equal(answer.body?.error, error, `error ${error}`)
  t.equal(answer.headers.get('cache-control'), 'no-store')
}

async function exchange (app: IssuerInstance, form: Record<string, string>, authorization: string | null = webAuth): Promise<Answer> {
  return await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'authorization_code', redirect_uri: CALLBACK, ...form }, authorization: authorization ?? undefined })
}

t.test('exchanges a code for access, ID and refresh tokens shaped like Cognito\'s', async (t) => {
  const clock = manualClock(1_800_000_000_000)
  const app = await startUserIssuer(t, { clock: clock.now })
  const { verifier, challenge } = pkce()
  const { code, state } = await logIn(app, { client_id: WEB.clientId, scope: 'openid email transactions/get', state: 'abc', nonce: 'n-0S6', code_challenge: challenge, code_challenge_method: 'S256' })
  t.equal(state, 'abc')
  clock.advance(10_000)
  const answer = await exchange(app, { code, code_verifier: verifier })
  t.equal(answer.status, 200)
  t.same(Object.keys(answer.body), ['access_token', 'id_token', 'refresh_token', 'token_type', 'expires_in'])
  t.equal(answer.headers.get('cache-control'), 'no-store')
  t.equal(answer.headers.get('pragma'), 'no-cache')
  const access = decodeJwt(answer.body.access_token)
  t.same(Object.keys(access), ['sub', 'cognito:groups', 'iss', 'version', 'client_id', 'origin_jti', 'event_id', 'token_use', 'scope', 'auth_time', 'exp', 'iat', 'jti', 'username'], 'Cognito\'s access-token claims, in order')
  t.match(access, { sub: USERS.jane.sub, 'cognito:groups': ['admins', 'readers'], iss: app.issuer.urls.issuer, version: 2, client_id: WEB.clientId, token_use: 'access', scope: 'openid email transactions/get', auth_time: 1_800_000_000, iat: 1_800_000_010, exp: 1_800_003_610, username: 'jane' })
  t.match(access.jti, UUID)
  const id = decodeJwt(answer.body.id_token)
  t.same(Object.keys(id), ['at_hash', 'sub', 'cognito:groups', 'email_verified', 'iss', 'cognito:username', 'origin_jti', 'aud', 'event_id', 'token_use', 'auth_time', 'exp', 'iat', 'jti', 'email', 'nonce', 'name'], 'Cognito\'s ID-token claims, in order')
  t.match(id, { at_hash: atHash(answer.body.access_token, 'RS256'), sub: USERS.jane.sub, email_verified: true, 'cognito:username': 'jane', aud: WEB.clientId, token_use: 'id', email: USERS.jane.email, nonce: 'n-0S6' })
  t.equal(id.origin_jti, access.origin_jti)
  t.equal(id.event_id, access.event_id)
  t.match(answer.body.refresh_token, /^[\w-]{43}$/, 'an opaque refresh token')
})

t.test('leaves out what the user or the request does not have', async (t) => {
  const app = await startUserIssuer(t)
  const { code } = await logIn(app, { client_id: WEB.clientId, scope: 'openid' }, USERS.bob)
  const answer = await exchange(app, { code })
  t.equal(answer.status, 200)
  const access = decodeJwt(answer.body.access_token)
  t.notOk('cognito:groups' in access, 'no groups claim for a user without groups')
  const id = decodeJwt(answer.body.id_token)
  t.notOk('nonce' in id)
  t.notOk('email' in id)
  t.notOk('email_verified' in id)
  const withoutOpenid = await logIn(app, { client_id: WEB.clientId, scope: 'transactions/get' })
  const plain = await exchange(app, { code: withoutOpenid.code })
  t.notOk('id_token' in plain.body, 'no ID token without the openid scope')
})

t.test('signs with the client\'s algorithm: PS256 or ES256', async (t) => {
  for (const alg of ['PS256', 'ES256'] as const) {
    const app = await startUserIssuer(t, { clients: { web: { signingAlgorithm: alg } } })
    const { code } = await logIn(app, { client_id: WEB.clientId, scope: 'openid' })
    const answer = await exchange(app, { code })
    t.equal(decodeProtectedHeader(answer.body.id_token).alg, alg)
    t.equal(decodeProtectedHeader(answer.body.access_token).alg, alg)
    const { keys } = app.issuer.jwks()
    t.same(keys.map((k) => k.alg), ['RS256', alg], 'the JWKS publishes a key for every algorithm in use')
  }
})

t.test('an issuer whose keys are EdDSA (Ed25519) puts SHA-512\'s left half in at_hash', async (t) => {
  const app = await startUserIssuer(t, { algorithm: 'EdDSA' })
  const { code } = await logIn(app, { client_id: WEB.clientId, scope: 'openid' })
  const answer = await exchange(app, { code })
  t.equal(decodeProtectedHeader(answer.body.id_token).alg, 'EdDSA')
  const sha512 = createHash('sha512').update(answer.body.access_token).digest()
  t.equal(decodeJwt(answer.body.id_token).at_hash, sha512.subarray(0, 32).toString('base64url'), 'the left-most 32 bytes of SHA-512')
})

t.test('a public client exchanges with client_id and its code_verifier', async (t) => {
  const app = await startUserIssuer(t)
  const { verifier, challenge } = pkce()
  const { code } = await logIn(app, { client_id: SPA.clientId, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })
  refused(t, await exchange(app, { code, code_verifier: verifier, client_id: WEB.clientId }, null), 401, 'invalid_client')
  const answer = await exchange(app, { code, code_verifier: verifier, client_id: SPA.clientId }, null)
  t.equal(answer.status, 200)
})

t.test('a reused code is refused and revokes the tokens issued from it', async (t) => {
  const app = await startUserIssuer(t)
  const { code } = await logIn(app, { client_id: WEB.clientId, scope: 'openid' })
  const first = await exchange(app, { code })
  t.equal(first.status, 200)
  refused(t, await exchange(app, { code }), 400, 'invalid_grant')
  const refresh = await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }, authorization: webAuth })
  refused(t, refresh, 400, 'invalid_grant')
  const info = await fetch(app.issuer.urls.userInfoEndpoint, { headers: { authorization: `Bearer ${first.body.access_token}` } })
  t.equal(info.status, 401, 'the access token is refused by userInfo')
})

t.test('a failed exchange does not use the code up: its client can still redeem it, once', async (t) => {
  const app = await startUserIssuer(t)
  const { verifier, challenge } = pkce()
  const { code } = await logIn(app, { client_id: WEB.clientId, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })
  refused(t, await exchange(app, { code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:1/other' }), 400, 'invalid_grant')
  refused(t, await exchange(app, { code, code_verifier: pkce().verifier }), 400, 'invalid_grant')
  refused(t, await exchange(app, { code }), 400, 'invalid_grant')
  const redeemed = await exchange(app, { code, code_verifier: verifier })
  t.equal(redeemed.status, 200, 'the client it was issued for still redeems it')
  const again = await exchange(app, { code, code_verifier: verifier })
  refused(t, again, 400, 'invalid_grant')
  t.match(again.body.error_description, /already used/)
})

t.test('PKCE: a wrong, missing or unasked-for code_verifier is invalid_grant', async (t) => {
  const app = await startUserIssuer(t)
  const { verifier, challenge } = pkce()
  const params = { client_id: WEB.clientId, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }
  refused(t, await exchange(app, { code: (await logIn(app, params)).code, code_verifier: pkce().verifier }), 400, 'invalid_grant')
  refused(t, await exchange(app, { code: (await logIn(app, params)).code }), 400, 'invalid_grant')
  refused(t, await exchange(app, { code: (await logIn(app, params)).code, code_verifier: 'short' }), 400, 'invalid_grant')
  const downgrade = await exchange(app, { code: (await logIn(app, { client_id: WEB.clientId })).code, code_verifier: verifier })
  refused(t, downgrade, 400, 'invalid_grant')
  t.match(downgrade.body.error_description, /no code_challenge/)
})

t.test('a mismatched redirect_uri, a code of another client, an unknown or expired code: invalid_grant', async (t) => {
  const clock = manualClock()
  const app = await startUserIssuer(t, { clock: clock.now, clients: { spa: { secretHash: undefined } } })
  refused(t, await exchange(app, { code: (await logIn(app, { client_id: WEB.clientId })).code, redirect_uri: 'http://127.0.0.1:1/callback/' }), 400, 'invalid_grant')
  const { verifier, challenge } = pkce()
  const spaCode = (await logIn(app, { client_id: SPA.clientId, code_challenge: challenge, code_challenge_method: 'S256' })).code
  refused(t, await exchange(app, { code: spaCode, code_verifier: verifier }), 400, 'invalid_grant')
  refused(t, await exchange(app, { code: 'made-up' }), 400, 'invalid_grant')
  const old = (await logIn(app, { client_id: WEB.clientId })).code
  clock.advance(300_000)
  refused(t, await exchange(app, { code: old }), 400, 'invalid_grant')
})

t.test('missing parameters: invalid_request; a client not allowed the code flow: unauthorized_client', async (t) => {
  const app = await startUserIssuer(t)
  refused(t, await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'authorization_code', redirect_uri: CALLBACK }, authorization: webAuth }), 400, 'invalid_request')
  refused(t, await postToken(app.issuer.urls.tokenEndpoint, { form: { grant_type: 'authorization_code', code: 'x' }, authorization: webAuth }), 400, 'invalid_request')
  refused(t, await exchange(app, { code: 'x' }, basic(CLIENTS.poster.clientId, CLIENTS.poster.secret)), 400, 'unauthorized_client')
  refused(t, await exchange(app, { code: 'x' }, basic(WEB.clientId, 'wrong')), 401, 'invalid_client')
})

t.test('a user removed after login gets no tokens', async (t) => {
  const app = await startUserIssuer(t, {
    users: { authenticate: async () => ({ sub: USERS.jane.sub, username: 'jane', attributes: {}, groups: [] }), findBySub: async () => undefined }
  })
  refused(t, await exchange(app, { code: (await logIn(app, { client_id: WEB.clientId })).code }), 400, 'invalid_grant')
})

t.test('a code replayed while its first redemption is still issuing revokes those tokens, and neither presenter gets any', async (t) => {
  const { validateConfig } = await import('../../../src/issuer/config/config.js')
  const { configUserStore } = await import('../../../src/issuer/users/config-user-store.js')
  const { userPoolConfig } = await import('../../helpers/user-flow.js')
  const builtIn = configUserStore(validateConfig(await userPoolConfig()).users)
  let release = (): void => {}
  let arrived = (): void => {}
  let gate: Promise<void> | undefined
  const waiting = new Promise<void>((resolve) => { arrived = resolve })
  const users = {
    authenticate: builtIn.authenticate,
    // The first redemption waits here, inside the token endpoint, until the replay has been answered.
    findBySub: async (sub: string) => {
      if (gate !== undefined) { arrived(); await gate }
      return await builtIn.findBySub(sub)
    }
  }
  const app = await startUserIssuer(t, { users })
  const { code } = await logIn(app, { client_id: WEB.clientId, scope: 'openid transactions/get' })
  gate = new Promise<void>((resolve) => { release = resolve })
  const first = exchange(app, { code })
  await waiting
  const replay = await exchange(app, { code })
  refused(t, replay, 400, 'invalid_grant')
  release()
  refused(t, await first, 400, 'invalid_grant')
  t.match((await first).body.error_description, /used twice/)
})
