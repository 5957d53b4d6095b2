import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto'
import t from 'tap'
import { CompactSign, SignJWT } from 'jose'
import {
  AlgorithmKeyMismatchError,
  AlgorithmNotAllowedError,
  AudienceMismatchError,
  ClaimInvalidError,
  ClientIdMismatchError,
  HeaderInvalidError,
  IssuerMismatchError,
  JwksUnavailableError,
  KeyNotFoundError,
  ResourceServerError,
  SignatureInvalidError,
  TokenExpiredError,
  TokenLifetimeError,
  TokenMalformedError,
  TokenNotYetValidError,
  TokenTooLargeError,
  TokenUseMismatchError
} from '../../src/verifier/errors.js'
import { SUPPORTED_ALGORITHMS } from '../../src/verifier/algorithms.js'
import { rejectsWith } from '../helpers/assert.js'
import { issuerFixture } from '../helpers/verifier-fixture.js'
import { startJwksServer } from '../helpers/jwks-server.js'
import { accessClaims, makeKey, NOW_S, rawToken, segment, sign } from '../helpers/keys.js'

const keyA = await makeKey('RS256', 'key-a')
const keyB = await makeKey('RS256', 'key-b')

t.test('verifies a Cognito access token and returns what it says', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  const token = await f.token({ username: 'alice', 'cognito:groups': ['admin'] })
  const verified = await f.verifier.verify(token)
  t.equal(verified.sub, 'client-abc')
  t.equal(verified.issuer, f.server.issuer)
  t.equal(verified.alg, 'RS256')
  t.equal(verified.kid, 'key-a')
  t.equal(verified.expiresAt, NOW_S + 3600)
  t.equal(verified.tokenUse, 'access')
  t.equal(verified.clientId, 'client-abc')
  t.equal(verified.username, 'alice')
  t.same(verified.scopes, ['transactions/get', 'transactions/post'])
  t.same(verified.groups, ['admin'])
  t.ok(verified.hasScope('transactions/post'))
  t.ok(verified.inGroup('admin'))
  t.same(verified.claims, accessClaims(f.server.issuer, { username: 'alice', 'cognito:groups': ['admin'] }))
  t.equal(f.verifier.jwksFetchCount, 1)
})

t.test('verifies every supported algorithm: RS, PS, ES and EdDSA', async (t) => {
  for (const alg of SUPPORTED_ALGORITHMS) {
    const f = await issuerFixture(t, { alg })
    const verified = await f.verifier.verify(await f.token())
    t.equal(verified.alg, alg, `${alg} verifies`)
  }
})

t.test('verifies every supported algorithm on the event loop too (verifyOnThreadpool false)', async (t) => {
  for (const alg of SUPPORTED_ALGORITHMS) {
    const f = await issuerFixture(t, { alg, options: { verifyOnThreadpool: false } })
    t.equal((await f.verifier.verify(await f.token())).alg, alg, `${alg} verifies`)
    await rejectsWith(t, f.verifier.verify(await f.token({}, {}, await makeKey(alg, f.key.kid))), SignatureInvalidError, 'ERR_SIGNATURE_INVALID', `${alg} from another key`)
  }
})

t.test('verifies with an RSA key that names no alg', async (t) => {
  const key = await makeKey('RS256', 'no-alg', { jwkAlg: null })
  const f = await issuerFixture(t, { key })
  t.equal((await f.verifier.verify(await f.token())).kid, 'no-alg')
})

t.test('verifies a Cognito ID token when tokenUse is id', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { tokenUse: 'id' } })
  const id = await f.token({ token_use: 'id', aud: 'client-abc', client_id: undefined, scope: undefined, 'cognito:username': 'alice' })
  const verified = await f.verifier.verify(id)
  t.equal(verified.tokenUse, 'id')
  t.equal(verified.clientId, 'client-abc')
  t.equal(verified.username, 'alice')
  await rejectsWith(t, f.verifier.verify(await f.token()), TokenUseMismatchError, 'ERR_TOKEN_USE_MISMATCH', 'an access token where ID tokens are required')
})

t.test('rejects anything but a non-empty string as malformed', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  for (const bad of [undefined, null, 42, '', ['a.b.c'], { token: 'a.b.c' }]) {
    await rejectsWith(t, f.verifier.verify(bad as string), TokenMalformedError, 'ERR_TOKEN_MALFORMED', JSON.stringify(bad) ?? 'undefined')
    await rejectsWith(t, f.verifier.verifyInFull(bad as string), TokenMalformedError, 'ERR_TOKEN_MALFORMED', `verifyInFull ${JSON.stringify(bad) ?? 'undefined'}`)
  }
})

t.test('verifyInFull checks everything without looking in the cache, and counts a miss', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { tokenCacheAdmission: 'first-use' } })
  const token = await f.token()
  const cached = await f.verifier.verify(token)
  t.equal(f.verifier.verifyCached(token), cached, 'cached')
  const fresh = await f.verifier.verifyInFull(token)
  t.not(fresh, cached, 'verified afresh, not read from the cache')
  t.same(fresh.claims, cached.claims)
  t.same(f.verifier.counters.snapshot().tokenCache, { hits: 1, misses: 2 }, 'the first verify and verifyInFull missed; verifyCached hit')
})

t.test('rejects a token over maxTokenBytes before decoding it or fetching keys', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { maxTokenBytes: 256 } })
  await rejectsWith(t, f.verifier.verify(await f.token()), TokenTooLargeError, 'ERR_TOKEN_TOO_LARGE')
  t.equal(f.verifier.jwksFetchCount, 0)
})

t.test('rejects alg none, with or without a signature', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  const claims = accessClaims(f.server.issuer)
  const unsigned = `${rawToken({ alg: 'none', kid: 'key-a' }, claims, 'x').slice(0, -1)}`
  await rejectsWith(t, f.verifier.verify(unsigned), TokenMalformedError, 'ERR_TOKEN_MALFORMED', 'the unsigned form has no third segment to speak of')
  await rejectsWith(t, f.verifier.verify(rawToken({ alg: 'none', kid: 'key-a' }, claims)), AlgorithmNotAllowedError, 'ERR_ALG_NOT_ALLOWED', 'none with a signature')
  t.equal(f.verifier.jwksFetchCount, 0)
})

t.test('rejects HS256 signed with the issuer\'s public key as the HMAC secret', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { algorithms: [...SUPPORTED_ALGORITHMS] } })
  const publicKey = createPublicKey({ key: keyA.jwk as JsonWebKey, format: 'jwk' })
  const secrets = [
    publicKey.export({ type: 'spki', format: 'pem' }),
    publicKey.export({ type: 'spki', format: 'der' }),
    JSON.stringify(keyA.jwk),
    Buffer.from(keyA.jwk.n as string, 'base64url')
  ]
  for (const secret of secrets) {
    const forged = await new SignJWT(accessClaims(f.server.issuer))
      .setProtectedHeader({ alg: 'HS256', kid: 'key-a' })
      .sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret))
    await rejectsWith(t, f.verifier.verify(forged), AlgorithmNotAllowedError, 'ERR_ALG_NOT_ALLOWED')
  }
  t.equal(f.verifier.jwksFetchCount, 0, 'rejected before any key lookup')
})

t.test('rejects an allowed alg that the configuration did not allow', async (t) => {
  const es = await makeKey('ES256', 'es')
  const f = await issuerFixture(t, { key: keyA, keys: [keyA.jwk, es.jwk] })
  await rejectsWith(t, f.verifier.verify(await f.token({}, {}, es)), AlgorithmNotAllowedError, 'ERR_ALG_NOT_ALLOWED')
})

t.test('rejects an ES256 header over an RSA key that names no alg', async (t) => {
  const rsa = await makeKey('RS256', 'rsa-no-alg', { jwkAlg: null })
  const es = await makeKey('ES256', 'es')
  const f = await issuerFixture(t, { key: rsa, options: { algorithms: ['RS256', 'ES256'] } })
  const token = await f.token({}, { kid: 'rsa-no-alg' }, es)
  await rejectsWith(t, f.verifier.verify(token), AlgorithmKeyMismatchError, 'ERR_ALG_KEY_MISMATCH')
})

t.test('rejects an alg other than the one the JWK names', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { algorithms: ['RS256', 'RS384', 'PS256'] } })
  for (const alg of ['RS384', 'PS256']) {
    await rejectsWith(t, f.verifier.verify(rawToken({ alg, kid: 'key-a' }, accessClaims(f.server.issuer))), AlgorithmKeyMismatchError, 'ERR_ALG_KEY_MISMATCH', alg)
  }
})

t.test('rejects crit, and checks the header before fetching keys', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  const err = await rejectsWith(t, f.verifier.verify(rawToken({ alg: 'RS256', kid: 'key-a', crit: ['exp'], exp: 1 }, accessClaims(f.server.issuer))), HeaderInvalidError, 'ERR_HEADER_INVALID')
  t.equal(err.member, 'crit')
  t.equal(f.verifier.jwksFetchCount, 0)
})

t.test('requires a string kid', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  for (const kid of [undefined, 42, '']) {
    const err = await rejectsWith(t, f.verifier.verify(await f.token({}, { kid })), HeaderInvalidError, 'ERR_HEADER_INVALID', `kid ${String(kid)}`)
    t.equal(err.member, 'kid')
  }
})

t.test('accepts typ JWT, at+jwt and application/at+jwt, and rejects any other', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  for (const typ of ['JWT', 'at+jwt', 'application/at+jwt']) t.ok(await f.verifier.verify(await f.token({}, { typ })), `typ ${typ}`)
  for (const typ of ['JOSE', 'id_token+jwt']) {
    const err = await rejectsWith(t, f.verifier.verify(await f.token({}, { typ })), HeaderInvalidError, 'ERR_HEADER_INVALID', `typ ${typ}`)
    t.equal(err.member, 'typ')
  }
})

t.test('ignores jku, x5u, jwk and x5c: keys come only from the configured JWKS', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  const attackerKey = await makeKey('RS256', 'attacker')
  const attacker = await startJwksServer([attackerKey.jwk])
  t.teardown(attacker.close)
  const pointers = { jku: attacker.jwksUri, x5u: `${attacker.origin}/cert.pem`, jwk: attackerKey.jwk, x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }

  await rejectsWith(t, f.verifier.verify(await f.token({}, pointers, attackerKey)), KeyNotFoundError, 'ERR_KEY_NOT_FOUND', "the attacker's own kid")
  await rejectsWith(t, f.verifier.verify(await f.token({}, { ...pointers, kid: 'key-a' }, attackerKey)), SignatureInvalidError, 'ERR_SIGNATURE_INVALID', "the issuer's kid, the attacker's signature")
  t.equal(attacker.requests.length, 0, 'the jku and x5u servers got no request')
  t.ok(await f.verifier.verify(await f.token({}, pointers)), 'a genuine token carrying these members still verifies')
  t.equal(attacker.requests.length, 0)
})

t.test('matches iss exactly: a trailing slash is another issuer', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  await rejectsWith(t, f.verifier.verify(await f.token({ iss: `${f.server.issuer}/` })), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'trailing slash')
  await rejectsWith(t, f.verifier.verify(await f.token({ iss: f.server.issuer.toUpperCase() })), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'another case')
  t.equal(f.verifier.jwksFetchCount, 0)
})

t.test('never fetches keys for a token from an unknown issuer', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  for (const iss of ['https://evil.example.com/pool', undefined, 42, [f.server.issuer]]) {
    await rejectsWith(t, f.verifier.verify(await f.token({ iss })), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', `iss ${JSON.stringify(iss)}`)
  }
  t.equal(f.verifier.jwksFetchCount, 0)
  t.equal(f.server.requests.length, 0)
})

t.test('takes the key only from the JWKS of the token\'s own issuer', async (t) => {
  const a = await issuerFixture(t, { key: keyA })
  const b = await startJwksServer([keyB.jwk], 'pool_b')
  t.teardown(b.close)
  const verifier = a.makeVerifier({ issuers: [a.server.issuer, b.issuer] })
  t.equal((await verifier.verify(await a.token({ iss: b.issuer }, {}, keyB))).issuer, b.issuer, "B's own token verifies")
  await rejectsWith(t, verifier.verify(await a.token({}, {}, keyB)), KeyNotFoundError, 'ERR_KEY_NOT_FOUND', "iss A signed with B's key")
  b.keys = [keyB.jwk, { ...keyB.jwk, kid: 'key-a' }]
  await rejectsWith(t, verifier.verify(await a.token({}, { kid: 'key-a' }, keyB)), SignatureInvalidError, 'ERR_SIGNATURE_INVALID', "iss A with A's kid, signed with the key B publishes under that kid")
})

t.test('shares one key set between issuers that publish the same JWKS URI', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  const verifier = f.makeVerifier({ issuers: [{ issuer: f.server.issuer, jwksUri: f.server.jwksUri }, { issuer: `${f.server.origin}/other`, jwksUri: f.server.jwksUri }] })
  await verifier.verify(await f.token())
  await verifier.verify(await f.token({ iss: `${f.server.origin}/other` }))
  t.equal(verifier.jwksFetchCount, 1)
})

t.test('rejects a token signed by another key, or changed after signing', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  await rejectsWith(t, f.verifier.verify(await f.token({}, { kid: 'key-a' }, keyB)), SignatureInvalidError, 'ERR_SIGNATURE_INVALID', 'another key')
  const [h, , s] = (await f.token()).split('.') as [string, string, string]
  const changed = `${h}.${segment(JSON.stringify(accessClaims(f.server.issuer, { scope: 'admin' })))}.${s}`
  await rejectsWith(t, f.verifier.verify(changed), SignatureInvalidError, 'ERR_SIGNATURE_INVALID', 'a changed payload')
})

t.test('checks the claims only after the signature, so a forgery learns nothing from them', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  const forged = await f.token({ exp: NOW_S - 100, client_id: 'other', sub: undefined }, { kid: 'key-a' }, keyB)
  await rejectsWith(t, f.verifier.verify(forged), SignatureInvalidError, 'ERR_SIGNATURE_INVALID')
})

t.test('drops RSA keys under 2048 bits', async (t) => {
  const small = { ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 'small', alg: 'RS256' }
  const f = await issuerFixture(t, { key: keyA, keys: [keyA.jwk, small] })
  await rejectsWith(t, f.verifier.verify(rawToken({ alg: 'RS256', kid: 'small' }, accessClaims(f.server.issuer))), KeyNotFoundError, 'ERR_KEY_NOT_FOUND')
  t.ok(await f.verifier.verify(await f.token()), 'the 2048-bit key next to it still works')
})

t.test('drops keys marked for encryption', async (t) => {
  const f = await issuerFixture(t, { key: keyA, keys: [{ ...keyA.jwk, use: 'enc' }] })
  await rejectsWith(t, f.verifier.verify(await f.token()), KeyNotFoundError, 'ERR_KEY_NOT_FOUND')
})

t.test('drops a JWKS entry that publishes a private key', async (t) => {
  const { exportJWK } = await import('jose')
  const f = await issuerFixture(t, { key: keyA, keys: [{ ...(await exportJWK(keyA.privateKey)), kid: 'key-a', alg: 'RS256' }] })
  await rejectsWith(t, f.verifier.verify(await f.token()), KeyNotFoundError, 'ERR_KEY_NOT_FOUND')
})

t.test('uses a key whose key_ops allow verify, and no other', async (t) => {
  const ok = await issuerFixture(t, { key: keyA, keys: [{ ...keyA.jwk, key_ops: ['verify'] }] })
  t.ok(await ok.verifier.verify(await ok.token()))
  const no = await issuerFixture(t, { key: keyA, keys: [{ ...keyA.jwk, key_ops: ['encrypt'] }] })
  await rejectsWith(t, no.verifier.verify(await no.token()), KeyNotFoundError, 'ERR_KEY_NOT_FOUND')
})

t.test('tries every key listed under a shared kid', async (t) => {
  const keyC = await makeKey('RS256', 'key-c')
  const f = await issuerFixture(t, { key: keyA, keys: [keyA.jwk, { ...keyB.jwk, kid: 'key-a' }] })
  t.ok(await f.verifier.verify(await f.token({ jti: 'a' })), 'signed by the first')
  t.ok(await f.verifier.verify(await f.token({ jti: 'b' }, { kid: 'key-a' }, keyB)), 'signed by the second')
  await rejectsWith(t, f.verifier.verify(await f.token({}, { kid: 'key-a' }, keyC)), SignatureInvalidError, 'ERR_SIGNATURE_INVALID', 'signed by neither')
})

t.test('treats a published key that cannot be imported as a bad signature, not a crash', async (t) => {
  const ec = await makeKey('ES256', 'ec')
  const other = await makeKey('ES256', 'other')
  // x from one key, y from another: a point that is not on the curve.
  const f = await issuerFixture(t, { key: ec, keys: [{ ...ec.jwk, x: other.jwk.x }] })
  const token = await f.token()
  await rejectsWith(t, f.verifier.verify(token), SignatureInvalidError, 'ERR_SIGNATURE_INVALID')
  await rejectsWith(t, f.verifier.verify(token), SignatureInvalidError, 'ERR_SIGNATURE_INVALID', 'and again, from the memoized failure')
})

t.test('requires exp and checks the time claims against the injected clock', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  const claim = async (overrides: Record<string, unknown>, name: string): Promise<void> => {
    const err = await rejectsWith(t, f.verifier.verify(await f.token(overrides)), ClaimInvalidError, 'ERR_CLAIM_INVALID', name)
    t.equal(err.claim, name)
  }
  await claim({ exp: undefined }, 'exp')
  await claim({ exp: String(NOW_S + 60) }, 'exp')
  await claim({ iat: -1 }, 'iat')
  await claim({ nbf: 'now' }, 'nbf')
  // JSON.stringify cannot write 1e400 (it parses to Infinity): sign the raw text instead.
  const raw = JSON.stringify(accessClaims(f.server.issuer)).replace(/"exp":\d+/, '"exp":1e400')
  const infinite = await new CompactSign(new TextEncoder().encode(raw)).setProtectedHeader({ alg: 'RS256', kid: 'key-a' }).sign(keyA.privateKey)
  const err = await rejectsWith(t, f.verifier.verify(infinite), ClaimInvalidError, 'ERR_CLAIM_INVALID', 'a signed exp of 1e400')
  t.equal(err.claim, 'exp')
  await rejectsWith(t, f.verifier.verify(await f.token({ exp: NOW_S - 5 })), TokenExpiredError, 'ERR_TOKEN_EXPIRED')
  await rejectsWith(t, f.verifier.verify(await f.token({ nbf: NOW_S + 60 })), TokenNotYetValidError, 'ERR_TOKEN_NOT_YET_VALID', 'nbf')
  await rejectsWith(t, f.verifier.verify(await f.token({ iat: NOW_S + 60 })), TokenNotYetValidError, 'ERR_TOKEN_NOT_YET_VALID', 'iat')
  await rejectsWith(t, f.verifier.verify(await f.token({ exp: NOW_S + 86_401 })), TokenLifetimeError, 'ERR_TOKEN_LIFETIME_TOO_LONG')
})

t.test('honours clockToleranceSeconds and maxTokenLifetimeSeconds', async (t) => {
  const lenient = await issuerFixture(t, { key: keyA, options: { clockToleranceSeconds: 5 } })
  t.ok(await lenient.verifier.verify(await lenient.token({ exp: NOW_S - 4 })), 'expired 4 s ago, 5 s tolerance')
  const strict = lenient.makeVerifier({ clockToleranceSeconds: 0 })
  await rejectsWith(t, strict.verify(await lenient.token({ exp: NOW_S })), TokenExpiredError, 'ERR_TOKEN_EXPIRED', 'exp is now, no tolerance')
  const short = lenient.makeVerifier({ maxTokenLifetimeSeconds: 1800 })
  await rejectsWith(t, short.verify(await lenient.token()), TokenLifetimeError, 'ERR_TOKEN_LIFETIME_TOO_LONG', 'a one-hour token, 30-minute maximum')
  t.ok(await short.verify(await lenient.token({ exp: NOW_S + 1800 })))
})

t.test('checks token_use, client_id, aud and the claim types', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  await rejectsWith(t, f.verifier.verify(await f.token({ token_use: 'id', aud: 'client-abc' })), TokenUseMismatchError, 'ERR_TOKEN_USE_MISMATCH', 'an ID token')
  await rejectsWith(t, f.verifier.verify(await f.token({ client_id: 'other' })), ClientIdMismatchError, 'ERR_CLIENT_ID_MISMATCH', 'another client')
  const anyClient = f.makeVerifier({ clientId: null })
  t.equal((await anyClient.verify(await f.token({ client_id: 'other' }))).clientId, 'other', 'clientId null accepts any client')
  const anyUse = f.makeVerifier({ tokenUse: null })
  t.equal((await anyUse.verify(await f.token({ token_use: 'id', aud: 'client-abc' }))).tokenUse, 'id', 'tokenUse null accepts ID tokens')
  t.equal((await anyUse.verify(await f.token())).tokenUse, 'access', 'and access tokens')

  const api = f.makeVerifier({ audience: 'https://api.example.com' })
  t.ok(await api.verify(await f.token({ aud: ['https://api.example.com'] })))
  await rejectsWith(t, api.verify(await f.token({ aud: 'https://other.example.com' })), AudienceMismatchError, 'ERR_AUDIENCE_MISMATCH')

  for (const [overrides, claim] of [[{ sub: undefined }, 'sub'], [{ scope: ['a'] }, 'scope'], [{ 'cognito:groups': 'admin' }, 'cognito:groups']] as const) {
    const err = await rejectsWith(t, f.verifier.verify(await f.token(overrides)), ClaimInvalidError, 'ERR_CLAIM_INVALID', claim)
    t.equal(err.claim, claim)
  }
})

t.test('never puts the token, or any segment of it, in an error message', async (t) => {
  const f = await issuerFixture(t, { key: keyA, options: { algorithms: ['RS256', 'ES256'] } })
  const es = await makeKey('ES256', 'es-key')
  const failures: string[] = [
    await f.token({}, { kid: 'key-a' }, keyB),
    await f.token({ exp: NOW_S - 100 }),
    await f.token({ nbf: NOW_S + 100 }),
    await f.token({ iat: NOW_S + 100 }),
    await f.token({ exp: NOW_S + 90_000 }),
    await f.token({ iss: 'https://evil.example.com' }),
    await f.token({ token_use: 'id' }),
    await f.token({ client_id: 'other' }),
    await f.token({ sub: undefined }),
    await f.token({ scope: 7 }),
    await f.token({ 'cognito:groups': 'g' }),
    await f.token({}, { typ: 'JOSE' }),
    await f.token({}, { kid: 'nope' }),
    await f.token({}, { kid: 'key-a' }, es),
    rawToken({ alg: 'HS256', kid: 'key-a' }, accessClaims(f.server.issuer)),
    rawToken({ alg: (await f.token()).slice(0, 16), kid: 'key-a' }, accessClaims(f.server.issuer)),
    rawToken({ alg: 'RS256', kid: 'key-a', crit: ['x'] }, accessClaims(f.server.issuer)),
    rawToken({ alg: 'RS256', kid: 'key-a' }, segment('{"__proto__":{}}')),
    `${await f.token()}.extra`,
    `${await f.token()}=`,
    (await f.token()).repeat(20)
  ]
  for (const token of failures) {
    const err = await rejectsWith(t, f.verifier.verify(token), ResourceServerError)
    for (const part of [token, ...token.split('.').filter((p) => p.length >= 8)]) {
      t.notOk(err.message.includes(part), `${err.code}: the message does not echo the token`)
    }
  }
  f.server.handler = (_req, res) => { res.statusCode = 500; res.end() }
  const cold = f.makeVerifier()
  const token = await f.token()
  const err = await rejectsWith(t, cold.verify(token), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE')
  t.notOk(err.message.includes(token.split('.')[2] as string))
})

t.test('ignores an RSA key over maxRsaKeyBits, like an undersized one', async (t) => {
  const huge = { ...keyA.jwk, kid: 'key-a', n: Buffer.from([0xff, ...new Array<number>(767).fill(0xab)]).toString('base64url') }
  const f = await issuerFixture(t, { key: keyA, keys: [huge] })
  await rejectsWith(t, f.verifier.verify(await f.token()), KeyNotFoundError, 'ERR_KEY_NOT_FOUND', 'a 6144-bit key is not trusted by default')
  const roomy = f.makeVerifier({ maxRsaKeyBits: 8192 })
  await rejectsWith(t, roomy.verify(await f.token()), SignatureInvalidError, 'ERR_SIGNATURE_INVALID', 'kept under maxRsaKeyBits 8192, so the signature is what fails')
})

t.test('an untrusted iss is reported, safe for logs, with the near miss that explains it', async (t) => {
  const f = await issuerFixture(t, { key: keyA })
  const slash = await rejectsWith(t, f.verifier.verify(await f.token({ iss: `${f.server.issuer}/` })), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'a trailing slash')
  t.match(slash.message, /by a trailing slash only/)
  t.equal(slash.iss, `${f.server.issuer}/`)
  const upper = await rejectsWith(t, f.verifier.verify(await f.token({ iss: f.server.issuer.toUpperCase() })), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'letter case')
  t.match(upper.message, /by letter case only/)
  const https = await rejectsWith(t, f.verifier.verify(await f.token({ iss: f.server.issuer.replace('http:', 'https:') })), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'https')
  t.match(https.message, /https where http is expected/)
  const evil = await rejectsWith(t, f.verifier.verify(await f.token({ iss: 'https://evil.example\n{"level":60}' })), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'a foreign issuer')
  t.equal(evil.iss, 'https://evil.example\\u000a{"level":60}')
  t.notMatch(evil.message, /near|differs/)
  t.equal((await rejectsWith(t, f.verifier.verify(await f.token({ iss: undefined })), IssuerMismatchError)).iss, undefined, 'no iss, nothing to log')
  t.equal(f.server.requests.length, 0, 'none of them caused a fetch')
})
