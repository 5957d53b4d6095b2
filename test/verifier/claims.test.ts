import t from 'tap'
import { checkIdentityClaims, checkTimeClaims, checkTimeWindow } from '../../src/verifier/claims.js'
import {
  AudienceMismatchError,
  ClaimInvalidError,
  ClientIdMismatchError,
  TokenExpiredError,
  TokenLifetimeError,
  TokenNotYetValidError,
  TokenUseMismatchError
} from '../../src/verifier/errors.js'
import type { ResolvedIssuer } from '../../src/verifier/options.js'
import { COGNITO_PROFILE, resolveProfile } from '../../src/verifier/profiles.js'
import { throwsWith, type Asserts } from '../helpers/assert.js'
import { accessClaims, NOW_S } from '../helpers/keys.js'

const ISS = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'
const DAY = 86_400

const issuer = (overrides: Partial<ResolvedIssuer> = {}): ResolvedIssuer => ({
  issuer: ISS,
  jwksUri: `${ISS}/.well-known/jwks.json`,
  profile: COGNITO_PROFILE,
  clientIds: new Set(['client-abc']),
  tokenUse: 'access',
  audiences: null,
  ...overrides
})

const times = (claims: Record<string, unknown>, now = NOW_S, tolerance = 5, max = DAY): ReturnType<typeof checkTimeClaims> =>
  checkTimeClaims({ exp: NOW_S + 3600, iat: NOW_S, ...claims }, now, tolerance, max)

const claimInvalid = (t: Asserts, fn: () => unknown, claim: string, label: string): void => {
  const err = throwsWith(t, fn, ClaimInvalidError, 'ERR_CLAIM_INVALID', label)
  t.equal(err.claim, claim, `${label}: names ${claim}`)
}

const notYetValid = (t: Asserts, fn: () => unknown, claim: 'nbf' | 'iat', label: string): void => {
  const err = throwsWith(t, fn, TokenNotYetValidError, 'ERR_TOKEN_NOT_YET_VALID', label)
  t.equal(err.claim, claim, `${label}: names ${claim}`)
}

t.test('returns exp and nbf of a token inside its validity window', async (t) => {
  t.same(times({}), { exp: NOW_S + 3600, nbf: undefined })
  t.same(times({ nbf: NOW_S - 10 }), { exp: NOW_S + 3600, nbf: NOW_S - 10 })
})

t.test('requires exp and iat', async (t) => {
  claimInvalid(t, () => times({ exp: undefined }), 'exp', 'no exp')
  claimInvalid(t, () => times({ iat: undefined }), 'iat', 'no iat')
})

t.test('requires every time claim to be a finite, non-negative number of seconds', async (t) => {
  for (const claim of ['exp', 'iat', 'nbf']) {
    for (const value of [String(NOW_S), null, true, [NOW_S], { s: NOW_S }, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1]) {
      claimInvalid(t, () => times({ [claim]: value }), claim, `${claim} ${String(value)}`)
    }
  }
  t.same(times({ iat: 0 }, NOW_S, 5, NOW_S + 3600).exp, NOW_S + 3600, 'zero is a valid NumericDate')
  t.same(times({ exp: NOW_S + 3600.5 }).exp, NOW_S + 3600.5, 'fractions are allowed (RFC 7519 §2)')
})

t.test('expires a token at exp, extended by the clock tolerance only', async (t) => {
  const exp = NOW_S + 60
  t.same(times({ exp }, exp + 4.999).exp, exp, 'inside the tolerance')
  throwsWith(t, () => times({ exp }, exp + 5), TokenExpiredError, 'ERR_TOKEN_EXPIRED', 'at exp + tolerance')
  t.same(times({ exp }, exp - 0.001, 0).exp, exp, 'just before exp without tolerance')
  throwsWith(t, () => times({ exp }, exp, 0), TokenExpiredError, 'ERR_TOKEN_EXPIRED', 'at exp without tolerance')
  throwsWith(t, () => times({ exp: 1 }, NOW_S), TokenExpiredError, 'ERR_TOKEN_EXPIRED', 'long expired')
})

t.test('rejects a token before nbf, less the clock tolerance', async (t) => {
  t.same(times({ nbf: NOW_S + 5 }).nbf, NOW_S + 5, 'nbf at now + tolerance')
  notYetValid(t, () => times({ nbf: NOW_S + 5.001 }), 'nbf', 'nbf just past the tolerance')
  t.same(times({ nbf: NOW_S }, NOW_S, 0).nbf, NOW_S, 'nbf equal to now')
  notYetValid(t, () => times({ nbf: NOW_S + 1 }, NOW_S, 0), 'nbf', 'nbf a second ahead without tolerance')
})

t.test('rejects a token issued in the future, beyond the clock tolerance', async (t) => {
  t.same(times({ iat: NOW_S + 5 }).exp, NOW_S + 3600, 'iat at now + tolerance')
  notYetValid(t, () => times({ iat: NOW_S + 6 }), 'iat', 'iat past the tolerance')
  notYetValid(t, () => times({ iat: NOW_S + 1 }, NOW_S, 0), 'iat', 'iat ahead without tolerance')
})

t.test('reports a huge but finite date as a coded error, not a RangeError', async (t) => {
  notYetValid(t, () => times({ nbf: 1e300, exp: 1e300 + 1 }, NOW_S, 5, Number.MAX_VALUE), 'nbf', 'nbf 1e300')
  const iat = throwsWith(t, () => times({ iat: 1e300, exp: 1e300 + 1 }, NOW_S, 5, Number.MAX_VALUE), TokenNotYetValidError)
  t.match(iat.message, /1e\+300 seconds after the epoch/)
  throwsWith(t, () => times({ exp: 1e300 }), TokenLifetimeError, 'ERR_TOKEN_LIFETIME_TOO_LONG', 'exp 1e300')
})

t.test('rejects a token that lives longer than the maximum lifetime', async (t) => {
  t.same(times({ exp: NOW_S + DAY }).exp, NOW_S + DAY, 'exactly the maximum')
  throwsWith(t, () => times({ exp: NOW_S + DAY + 1 }), TokenLifetimeError, 'ERR_TOKEN_LIFETIME_TOO_LONG', 'one second over')
  throwsWith(t, () => times({ exp: NOW_S + 3600 }, NOW_S, 5, 3599), TokenLifetimeError, 'ERR_TOKEN_LIFETIME_TOO_LONG', 'a one-hour token under a shorter maximum')
  throwsWith(t, () => times({ iat: NOW_S - DAY, exp: NOW_S + 60 }), TokenLifetimeError, 'ERR_TOKEN_LIFETIME_TOO_LONG', 'backdated iat')
})

t.test('checks the window of a cached token on its own', async (t) => {
  checkTimeWindow({ exp: NOW_S + 10, nbf: undefined }, NOW_S, 0)
  checkTimeWindow({ exp: NOW_S + 10, nbf: NOW_S }, NOW_S, 0)
  throwsWith(t, () => checkTimeWindow({ exp: NOW_S + 10, nbf: undefined }, NOW_S + 10, 0), TokenExpiredError, 'ERR_TOKEN_EXPIRED')
  notYetValid(t, () => checkTimeWindow({ exp: NOW_S + 10, nbf: NOW_S + 1 }, NOW_S, 0), 'nbf', 'nbf ahead')
})

t.test('returns the identity of a Cognito access token', async (t) => {
  t.same(checkIdentityClaims({ ...accessClaims(ISS), username: 'alice', 'cognito:groups': ['admin', 'ops'] }, issuer()), {
    sub: 'client-abc',
    tokenUse: 'access',
    clientId: 'client-abc',
    username: 'alice',
    scopes: ['transactions/get', 'transactions/post'],
    groups: ['admin', 'ops'],
    roles: [],
    entitlements: []
  })
})

t.test('requires sub to be a non-empty string', async (t) => {
  claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { sub: undefined }), issuer()), 'sub', 'no sub')
  claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { sub: '' }), issuer()), 'sub', 'empty sub')
  claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { sub: 42 }), issuer()), 'sub', 'numeric sub')
})

t.test('requires token_use to be access or id when present', async (t) => {
  for (const use of ['refresh', 'ACCESS', '', 1, null]) {
    claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { token_use: use }), issuer({ tokenUse: null })), 'token_use', `token_use ${JSON.stringify(use)}`)
  }
})

t.test('accepts only the configured token_use', async (t) => {
  const idClaims = accessClaims(ISS, { token_use: 'id', aud: 'client-abc', client_id: undefined })
  throwsWith(t, () => checkIdentityClaims(idClaims, issuer()), TokenUseMismatchError, 'ERR_TOKEN_USE_MISMATCH', 'id token where access is required')
  const missing = throwsWith(t, () => checkIdentityClaims(accessClaims(ISS, { token_use: undefined }), issuer()), TokenUseMismatchError, 'ERR_TOKEN_USE_MISMATCH', 'no token_use')
  t.match(missing.message, /no "token_use"/)
  throwsWith(t, () => checkIdentityClaims(accessClaims(ISS), issuer({ tokenUse: 'id' })), TokenUseMismatchError, 'ERR_TOKEN_USE_MISMATCH', 'access token where id is required')
  t.equal(checkIdentityClaims(idClaims, issuer({ tokenUse: 'id' })).tokenUse, 'id')
})

t.test('accepts access and id token_use when tokenUse is null, but never an absent one', async (t) => {
  const any = issuer({ tokenUse: null })
  t.equal(checkIdentityClaims(accessClaims(ISS), any).tokenUse, 'access')
  t.equal(checkIdentityClaims(accessClaims(ISS, { token_use: 'id', aud: 'client-abc' }), any).tokenUse, 'id')
  // Every Cognito token carries token_use; one without it is another issuer's (an OIDC ID token).
  throwsWith(t, () => checkIdentityClaims(accessClaims(ISS, { token_use: undefined }), any), TokenUseMismatchError, 'ERR_TOKEN_USE_MISMATCH', 'no token_use')
})

t.test('takes the app client from client_id on access tokens and checks it against the allowlist', async (t) => {
  t.equal(checkIdentityClaims(accessClaims(ISS), issuer()).clientId, 'client-abc')
  t.equal(checkIdentityClaims(accessClaims(ISS, { client_id: 'b' }), issuer({ clientIds: new Set(['a', 'b']) })).clientId, 'b')
  throwsWith(t, () => checkIdentityClaims(accessClaims(ISS, { client_id: 'other' }), issuer()), ClientIdMismatchError, 'ERR_CLIENT_ID_MISMATCH', 'other client')
  const none = throwsWith(t, () => checkIdentityClaims(accessClaims(ISS, { client_id: undefined, aud: 'client-abc' }), issuer()), ClientIdMismatchError, 'ERR_CLIENT_ID_MISMATCH', 'aud does not stand in for client_id on an access token')
  t.match(none.message, /no named client/)
  claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { client_id: ['client-abc'] }), issuer()), 'client_id', 'client_id array')
  t.equal(checkIdentityClaims(accessClaims(ISS, { client_id: 'anyone' }), issuer({ clientIds: null })).clientId, 'anyone', 'null accepts any client')
  t.equal(checkIdentityClaims(accessClaims(ISS, { client_id: undefined }), issuer({ clientIds: null })).clientId, undefined, 'null accepts no client')
})

t.test('takes the app client from aud on ID tokens', async (t) => {
  const id = issuer({ tokenUse: 'id' })
  const idClaims = (overrides: Record<string, unknown>): Record<string, unknown> => accessClaims(ISS, { token_use: 'id', client_id: undefined, ...overrides })
  t.equal(checkIdentityClaims(idClaims({ aud: 'client-abc' }), id).clientId, 'client-abc')
  t.equal(checkIdentityClaims(idClaims({ aud: ['client-abc'] }), id).clientId, 'client-abc')
  throwsWith(t, () => checkIdentityClaims(idClaims({ aud: 'other' }), id), ClientIdMismatchError, 'ERR_CLIENT_ID_MISMATCH', 'other aud')
  throwsWith(t, () => checkIdentityClaims(idClaims({ aud: undefined }), id), ClientIdMismatchError, 'ERR_CLIENT_ID_MISMATCH', 'no aud')
  throwsWith(t, () => checkIdentityClaims(idClaims({ aud: 'other', client_id: 'client-abc' }), id), ClientIdMismatchError, 'ERR_CLIENT_ID_MISMATCH', 'client_id does not stand in for aud')
})

t.test('never lets an ID token\'s aud pass as the client of a token without token_use, even with tokenUse null and clientId null', async (t) => {
  for (const clientIds of [new Set(['client-abc']), null]) {
    const any = issuer({ tokenUse: null, clientIds })
    const oidcIdToken = accessClaims(ISS, { token_use: undefined, client_id: undefined, aud: 'client-abc', nonce: 'n' })
    throwsWith(t, () => checkIdentityClaims(oidcIdToken, any), TokenUseMismatchError, 'ERR_TOKEN_USE_MISMATCH', `an OIDC ID token, clientId ${clientIds === null ? 'null' : 'set'}`)
  }
})

t.test('requires aud to be a string or an array of strings', async (t) => {
  for (const aud of [42, [42], ['a', null], { a: 1 }, null]) {
    claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { aud }), issuer()), 'aud', `aud ${JSON.stringify(aud)}`)
  }
})

t.test('requires aud to name a configured audience when audiences are set (RFC 9068 §4)', async (t) => {
  const api = issuer({ audiences: new Set(['https://api.example.com', 'urn:api']) })
  t.ok(checkIdentityClaims(accessClaims(ISS, { aud: 'urn:api' }), api))
  t.ok(checkIdentityClaims(accessClaims(ISS, { aud: ['other', 'https://api.example.com'] }), api))
  throwsWith(t, () => checkIdentityClaims(accessClaims(ISS, { aud: 'other' }), api), AudienceMismatchError, 'ERR_AUDIENCE_MISMATCH', 'other aud')
  throwsWith(t, () => checkIdentityClaims(accessClaims(ISS, { aud: [] }), api), AudienceMismatchError, 'ERR_AUDIENCE_MISMATCH', 'empty aud')
  throwsWith(t, () => checkIdentityClaims(accessClaims(ISS), api), AudienceMismatchError, 'ERR_AUDIENCE_MISMATCH', 'no aud')
  t.ok(checkIdentityClaims(accessClaims(ISS, { aud: 'anything' }), issuer()), 'aud is not checked when no audience is set')
})

t.test('splits scope on spaces and requires it to be a string', async (t) => {
  t.same(checkIdentityClaims(accessClaims(ISS, { scope: 'a  b ' }), issuer()).scopes, ['a', 'b'])
  t.same(checkIdentityClaims(accessClaims(ISS, { scope: '' }), issuer()).scopes, [])
  t.same(checkIdentityClaims(accessClaims(ISS, { scope: undefined }), issuer()).scopes, [])
  for (const scope of [['a', 'b'], 42, null]) {
    claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { scope }), issuer()), 'scope', `scope ${JSON.stringify(scope)}`)
  }
})

t.test('requires cognito:groups to be an array of strings', async (t) => {
  t.same(checkIdentityClaims(accessClaims(ISS, { 'cognito:groups': [] }), issuer()).groups, [])
  t.same(checkIdentityClaims(accessClaims(ISS), issuer()).groups, [])
  for (const groups of ['admin', ['admin', 1], [null], { 0: 'admin' }, null]) {
    claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { 'cognito:groups': groups }), issuer()), 'cognito:groups', `groups ${JSON.stringify(groups)}`)
  }
})

t.test('reads username on access tokens and cognito:username on ID tokens', async (t) => {
  t.equal(checkIdentityClaims(accessClaims(ISS, { username: 'alice', 'cognito:username': 'bob' }), issuer()).username, 'alice')
  t.equal(checkIdentityClaims(accessClaims(ISS, { token_use: 'id', aud: 'client-abc', username: 'alice', 'cognito:username': 'bob' }), issuer({ tokenUse: 'id' })).username, 'bob')
  claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { username: 7 }), issuer()), 'username', 'numeric username')
  claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { token_use: 'id', aud: 'client-abc', 'cognito:username': 7 }), issuer({ tokenUse: 'id' })), 'cognito:username', 'numeric cognito:username')
})

t.test('refuses a scope with characters outside RFC 6749 §3.3: control characters, quotes, backslashes', async (t) => {
  for (const scope of ['a\tb', 'a\rb', 'a\nb', 'read\r\nSet-Cookie: x', 'a"b', 'a\\b', 'a\u0000', 'caf\u00e9', 'a\u007f']) {
    claimInvalid(t, () => checkIdentityClaims(accessClaims(ISS, { scope }), issuer()), 'scope', `scope ${JSON.stringify(scope)}`)
  }
  t.same(checkIdentityClaims(accessClaims(ISS, { scope: 'a/b c:d !#[]~' }), issuer()).scopes, ['a/b', 'c:d', '!#[]~'])
})

const strict = (overrides: Partial<ResolvedIssuer> = {}): ResolvedIssuer => issuer({ profile: resolveProfile('profile', 'rfc9068'), clientIds: null, audiences: new Set(['https://api.example.com']), ...overrides })
const rfc9068Claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const { token_use: _, ...claims } = accessClaims(ISS, { aud: 'https://api.example.com', jti: 'j-1', groups: ['admins'], roles: ['reader'], entitlements: ['gold'], ...overrides })
  return claims
}

t.test('rfc9068: returns the identity, with groups, roles and entitlements (§2.2.3.1)', async (t) => {
  t.same(checkIdentityClaims(rfc9068Claims(), strict()), {
    sub: 'client-abc',
    tokenUse: 'access',
    clientId: 'client-abc',
    username: undefined,
    scopes: ['transactions/get', 'transactions/post'],
    groups: ['admins'],
    roles: ['reader'],
    entitlements: ['gold']
  })
  t.same(checkIdentityClaims(rfc9068Claims({ groups: undefined, roles: undefined, entitlements: undefined, scope: undefined }), strict()).groups, [])
})

t.test('rfc9068: requires aud to name the audience, and client_id, sub and jti (§2.2)', async (t) => {
  throwsWith(t, () => checkIdentityClaims(rfc9068Claims({ aud: 'rp-client' }), strict()), AudienceMismatchError, 'ERR_AUDIENCE_MISMATCH', 'an ID token\'s aud')
  throwsWith(t, () => checkIdentityClaims(rfc9068Claims({ aud: undefined }), strict()), AudienceMismatchError, 'ERR_AUDIENCE_MISMATCH', 'no aud')
  claimInvalid(t, () => checkIdentityClaims(rfc9068Claims({ client_id: undefined }), strict()), 'client_id', 'no client_id')
  claimInvalid(t, () => checkIdentityClaims(rfc9068Claims({ client_id: '' }), strict()), 'client_id', 'empty client_id')
  claimInvalid(t, () => checkIdentityClaims(rfc9068Claims({ client_id: 7 }), strict()), 'client_id', 'numeric client_id')
  claimInvalid(t, () => checkIdentityClaims(rfc9068Claims({ jti: undefined }), strict()), 'jti', 'no jti')
  claimInvalid(t, () => checkIdentityClaims(rfc9068Claims({ jti: '' }), strict()), 'jti', 'empty jti')
  claimInvalid(t, () => checkIdentityClaims(rfc9068Claims({ sub: undefined }), strict()), 'sub', 'no sub')
  throwsWith(t, () => checkIdentityClaims(rfc9068Claims({ client_id: 'other' }), strict({ clientIds: new Set(['client-abc']) })), ClientIdMismatchError, 'ERR_CLIENT_ID_MISMATCH', 'a client outside clientId')
  for (const claim of ['groups', 'roles', 'entitlements']) {
    claimInvalid(t, () => checkIdentityClaims(rfc9068Claims({ [claim]: 'admins' }), strict()), claim, `${claim} as a string`)
  }
})

t.test('mapped profiles: the client from the first claim present, scopes from a string or an array, required claims', async (t) => {
  const okta = strict({ profile: resolveProfile('profile', 'okta') })
  const oktaToken = rfc9068Claims({ client_id: undefined, cid: 'okta-client', scope: undefined, scp: ['openid', 'read'], jti: undefined })
  t.same([checkIdentityClaims(oktaToken, okta).clientId, checkIdentityClaims(oktaToken, okta).scopes], ['okta-client', ['openid', 'read']])
  claimInvalid(t, () => checkIdentityClaims({ ...oktaToken, scp: ['a b'] }, okta), 'scp', 'a scope with a space in an array')
  claimInvalid(t, () => checkIdentityClaims({ ...oktaToken, scp: ['a', 1] }, okta), 'scp', 'a number in scp')
  claimInvalid(t, () => checkIdentityClaims({ ...oktaToken, scp: 7 }, okta), 'scp', 'scp a number')
  const entra = strict({ profile: resolveProfile('profile', 'entra') })
  const v1 = rfc9068Claims({ client_id: undefined, appid: 'v1-app', scope: undefined, scp: 'User.Read Files.Read' })
  t.same([checkIdentityClaims(v1, entra).clientId, checkIdentityClaims(v1, entra).scopes], ['v1-app', ['User.Read', 'Files.Read']])
  t.equal(checkIdentityClaims({ ...v1, azp: 'v2-app' }, entra).clientId, 'v2-app', 'azp first')
  claimInvalid(t, () => checkIdentityClaims({ ...v1, scp: 'a\r\nb' }, entra), 'scp', 'a CR LF in scp')
  const noClient = throwsWith(t, () => checkIdentityClaims({ ...v1, appid: undefined }, entra), ClaimInvalidError, 'ERR_CLAIM_INVALID', 'an Entra ID token: no azp, no appid')
  t.match(noClient.message, /"azp" or "appid"/)
  const keycloak = strict({ profile: resolveProfile('profile', 'keycloak') })
  const kc = rfc9068Claims({ client_id: undefined, azp: 'web', typ: 'Bearer' })
  t.equal(checkIdentityClaims(kc, keycloak).clientId, 'web')
  for (const typ of ['ID', 'Refresh', undefined, 7]) {
    throwsWith(t, () => checkIdentityClaims({ ...kc, typ }, keycloak), TokenUseMismatchError, 'ERR_TOKEN_USE_MISMATCH', `Keycloak typ ${String(typ)}`)
  }
})
