import t from 'tap'
import { cognitoUserPools } from '../../src/verifier/cognito.js'
import { IssuerMismatchError, JwksUnavailableError, OptionError } from '../../src/verifier/errors.js'
import { TokenVerifier } from '../../src/verifier/verifier.js'
import { rejectsWith } from '../helpers/assert.js'
import { manualClock, startJwksServer } from '../helpers/jwks-server.js'
import { accessClaims, makeKey, NOW_S, sign } from '../helpers/keys.js'

const key = await makeKey('RS256', 'k1')
const clock = (): number => NOW_S * 1000

t.test('cognitoUserPools trusts both issuer URLs of each allowed pool, and nothing else', async (t) => {
  const trust = cognitoUserPools(['eu-west-1_AbC123', 'us-east-1_Xyz'])
  t.equal(trust('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'), 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123')
  t.equal(trust('https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Xyz'), 'https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Xyz')
  for (const iss of [
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other',
    'https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123',
    'http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/',
    'https://cognito-idp.eu-west-1.amazonaws.com.evil.example/eu-west-1_AbC123',
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/x',
    'https://evil.example/eu-west-1_AbC123'
  ]) t.equal(trust(iss), undefined, iss)
  const byFunction = cognitoUserPools((id) => id.endsWith('_Tenant7'))
  t.ok(byFunction('https://cognito-idp.ap-south-1.amazonaws.com/ap-south-1_Tenant7'))
  t.equal(byFunction('https://cognito-idp.ap-south-1.amazonaws.com/ap-south-1_Tenant8'), undefined)
  t.throws(() => cognitoUserPools(['eu-west-1_AbC123', 'not a pool']), { code: 'ERR_INVALID_OPTION', option: 'cognitoUserPools()' })
})

t.test('trustIssuer decides at run time; an untrusted iss causes no fetch', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  const allowed = new Set([`${s.origin}/tenant-a`, `${s.origin}/tenant-b`])
  const verifier = new TokenVerifier({ trustIssuer: (iss) => allowed.has(iss) ? iss : undefined, clientId: 'client-abc', clock })
  const verified = await verifier.verify(await sign(key, accessClaims(`${s.origin}/tenant-a`)))
  t.equal(verified.issuer, `${s.origin}/tenant-a`)
  t.same(s.requests.map((r) => r.url), ['/tenant-a/.well-known/jwks.json'])
  await rejectsWith(t, verifier.verify(await sign(key, accessClaims(`${s.origin}/tenant-c`))), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'an untrusted tenant')
  t.equal(s.requests.length, 1, 'no fetch for it')
  t.equal(verifier.trustedIssuerCount, 1)
  t.equal(new TokenVerifier({ issuer: `${s.origin}/tenant-a`, clientId: null }).trustedIssuerCount, 0, 'none without trustIssuer')
  const own = new TokenVerifier({ trustIssuer: (iss) => ({ issuer: iss, clientId: 'other' }), clientId: 'client-abc', clock })
  await rejectsWith(t, own.verify(await sign(key, accessClaims(`${s.origin}/tenant-a`))), Error, 'ERR_CLIENT_ID_MISMATCH', 'the returned configuration\'s own clientId applies')
})

t.test('a configuration trustIssuer returns for another issuer, or that is invalid, refuses the token', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  const token = await sign(key, accessClaims(`${s.origin}/tenant-a`))
  for (const [label, answer] of [['another issuer', `${s.origin}/tenant-b`], ['a bad profile', { issuer: `${s.origin}/tenant-a`, profile: 'nope' }], ['not a URL', 'tenant-a']] as const) {
    const verifier = new TokenVerifier({ trustIssuer: () => answer as never, clientId: null, clock })
    const err = await rejectsWith(t, verifier.verify(token), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', label)
    t.ok(err.cause instanceof OptionError, `${label}: the option error is the cause`)
  }
  t.equal(s.requests.length, 0)
  const boom = new TokenVerifier({ trustIssuer: () => { throw new RangeError('database down') }, clientId: null, clock })
  await t.rejects(boom.verify(token), RangeError, 'an error of the application\'s own is not hidden')
})

t.test('trustIssuer needs top-level defaults that make a whole issuer, checked at construction', async (t) => {
  t.throws(() => new TokenVerifier({ trustIssuer: () => undefined }), { code: 'ERR_INVALID_OPTION', option: 'clientId' })
  t.throws(() => new TokenVerifier({ trustIssuer: () => undefined, profile: 'rfc9068' }), { code: 'ERR_INVALID_OPTION', option: 'audience' })
  t.throws(() => new TokenVerifier({ trustIssuer: 'yes' as never, clientId: null }), { code: 'ERR_INVALID_OPTION', option: 'trustIssuer' })
  t.ok(new TokenVerifier({ trustIssuer: () => undefined, profile: 'rfc9068', audience: 'urn:api' }))
})

t.test('many pools: a flood of allowed and unallowed issuers stays within the LRU, and fetches once per allowed issuer seen', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  const POOLS = 600
  const MAX = 100
  const pool = (i: number): string => `${s.origin}/pool-${i}`
  const allowed = new Set(Array.from({ length: POOLS }, (_, i) => pool(i)))
  let asked = 0
  const verifier = new TokenVerifier({ trustIssuer: (iss) => { asked++; return allowed.has(iss) ? iss : undefined }, clientId: 'client-abc', issuerCacheMaxEntries: MAX, clock, tokenCacheMaxEntries: 0 })
  const tokenFor = async (iss: string): Promise<string> => await sign(key, accessClaims(iss))
  let maxSize = 0
  for (let i = 0; i < POOLS; i++) {
    t.ok(await verifier.verify(await tokenFor(pool(i))), `pool ${i}`, { diagnostic: false })
    await t.rejects(verifier.verify(await tokenFor(`${s.origin}/unallowed-${i}`)), { code: 'ERR_ISSUER_MISMATCH' }, `unallowed ${i}`)
    maxSize = Math.max(maxSize, verifier.trustedIssuerCount)
  }
  t.equal(maxSize, MAX, 'the LRU never held more than issuerCacheMaxEntries key sets')
  t.equal(verifier.jwksFetchCount, POOLS, 'one JWKS fetch per allowed pool')
  t.equal(s.requests.filter((r) => r.url?.startsWith('/unallowed')).length, 0, 'the unallowed issuers caused no fetch')
  // Steady traffic: the most recent pools stay cached and cost no fetch.
  const hot = await Promise.all(Array.from({ length: 50 }, async (_, i) => await tokenFor(pool(POOLS - 1 - i))))
  for (let round = 0; round < 5; round++) for (const token of hot) await verifier.verify(token)
  t.equal(verifier.jwksFetchCount, POOLS, 'no fetch for steady traffic')
  t.equal(asked, POOLS * 2 + 5 * 50, 'trustIssuer is asked for every token, so a change to it applies to the next one')
})

t.test('removing an issuer from trustIssuer stops its tokens at once, cached ones too', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  const tenantA = `${s.origin}/tenant-a`
  const allowed = new Set([tenantA, `${s.origin}/tenant-b`])
  const verifier = new TokenVerifier({ trustIssuer: (iss) => allowed.has(iss) ? iss : undefined, clientId: 'client-abc', clock, tokenCacheAdmission: 'first-use' })
  const token = await sign(key, accessClaims(tenantA))
  await verifier.verify(token)
  t.ok(verifier.verifyCached(token), 'the token is cached')
  allowed.delete(tenantA)
  const unknown = await rejectsWith(t, async () => verifier.verifyCached(token), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'the cached token')
  const never = await rejectsWith(t, verifier.verify(await sign(key, accessClaims(`${s.origin}/tenant-c`))), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'an issuer never trusted')
  t.equal(unknown.message, never.message, 'refused as an issuer never trusted is')
  t.equal(unknown.iss, tenantA, 'naming the iss for the log')
  t.equal(verifier.cachedTokenCount, 0, 'the cached token is forgotten')
  t.equal(verifier.trustedIssuerCount, 0, 'the issuer is dropped with its key set')
  await rejectsWith(t, verifier.verify(await sign(key, accessClaims(tenantA, { jti: 'fresh' }))), IssuerMismatchError, 'ERR_ISSUER_MISMATCH', 'a new token of it')
  t.equal(s.requests.length, 1, 'no fetch for a removed issuer')
  allowed.add(tenantA)
  t.ok(await verifier.verify(token), 'trusted again once trustIssuer answers again')
  t.equal(verifier.jwksFetchCount, 2, 'with a fresh key set')
})

t.test('a changed answer applies to the next token: cached tokens are checked again under it', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  const tenant = `${s.origin}/tenant-a`
  let clientId = 'client-abc'
  let answers = 0
  // A fresh object on every call, as a lookup in a database would build one.
  const verifier = new TokenVerifier({ trustIssuer: (iss) => { answers++; return { issuer: iss, clientId: [clientId], tokenUse: undefined } }, clientId: null, clock, tokenCacheAdmission: 'first-use' })
  const token = await sign(key, accessClaims(tenant))
  for (let i = 0; i < 3; i++) await verifier.verify(token)
  t.equal(answers, 3, 'asked once per token, cache hits included')
  t.equal(verifier.jwksFetchCount, 1, 'an equal answer keeps the issuer and its keys')
  clientId = 'another-client'
  t.equal(verifier.verifyCached(token), undefined, 'the cached token must be verified again')
  await rejectsWith(t, verifier.verify(token), Error, 'ERR_CLIENT_ID_MISMATCH', 'under the new configuration')
  clientId = 'client-abc'
  t.ok(await verifier.verify(token), 'and back')
  t.equal(verifier.trustedIssuerCount, 1)
  t.equal(verifier.jwksFetchCount, 3, 'each configuration with its own key set')
})

t.test('an issuer whose answer turns invalid is dropped and its tokens refused', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  const tenant = `${s.origin}/tenant-a`
  let answer: unknown = tenant
  const verifier = new TokenVerifier({ trustIssuer: () => answer as never, clientId: null, clock, tokenCacheAdmission: 'first-use' })
  const token = await sign(key, accessClaims(tenant))
  await verifier.verify(token)
  answer = { issuer: tenant, profile: 'nope' }
  const err = await rejectsWith(t, async () => verifier.verifyCached(token), IssuerMismatchError, 'ERR_ISSUER_MISMATCH')
  t.ok(err.cause instanceof OptionError, 'the option error is the cause')
  t.equal(verifier.trustedIssuerCount, 0)
  answer = { get issuer (): string { throw new RangeError('database down') } }
  await t.rejects(verifier.verify(token), RangeError, 'an error of the application\'s own is not hidden')
})

t.test('configured issuers are never put to trustIssuer, nor is a token without iss', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  let asked = 0
  const verifier = new TokenVerifier({ issuer: `${s.origin}/configured`, trustIssuer: () => { asked++; return undefined }, clientId: null, clock, tokenCacheAdmission: 'first-use' })
  const token = await sign(key, accessClaims(`${s.origin}/configured`))
  for (let i = 0; i < 3; i++) await verifier.verify(token)
  await t.rejects(verifier.verify(await sign(key, accessClaims(undefined as never))), { code: 'ERR_ISSUER_MISMATCH' })
  t.equal(asked, 0)
})

t.test('a cached token brings back its issuer when the LRU has dropped it, keys and all', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  const verifier = new TokenVerifier({ trustIssuer: (iss) => iss, clientId: null, clock, issuerCacheMaxEntries: 1, tokenCacheAdmission: 'first-use' })
  const a = await sign(key, accessClaims(`${s.origin}/tenant-a`))
  const b = await sign(key, accessClaims(`${s.origin}/tenant-b`))
  await verifier.verify(a)
  await verifier.verify(b)
  t.equal(verifier.trustedIssuerCount, 1, 'tenant-b evicted tenant-a')
  for (let i = 0; i < 3; i++) {
    t.ok(verifier.verifyCached(a), `tenant-a, round ${i}`)
    t.ok(verifier.verifyCached(b), `tenant-b, round ${i}`)
  }
  t.equal(s.requests.length, 2, 'no fetch: each came back with its keys')
  t.equal(verifier.jwksFetchCount, 2, 'and each download is counted once')
  t.equal(verifier.trustedIssuerCount, 1)
})

t.test('the README\'s trustIssuer for one Keycloak realm per tenant works as pasted', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  const realm = `${s.origin}/realms/acme`
  s.handler = (req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(req.url === '/realms/acme/.well-known/openid-configuration' ? { issuer: realm, jwks_uri: `${s.origin}/keys` } : { keys: [key.jwk] }))
  }
  const tenantRealms = new Set([realm])
  const verifier = new TokenVerifier({
    trustIssuer: (iss) => tenantRealms.has(iss) ? iss : undefined,
    profile: 'keycloak',
    audience: 'transactions-api'
  })
  const now = Math.floor(Date.now() / 1000)
  const token = await sign(key, { iss: realm, aud: 'transactions-api', sub: 'u', typ: 'Bearer', azp: 'web', iat: now, exp: now + 600 }, { typ: 'JWT' })
  t.equal((await verifier.verify(token)).clientId, 'web')
})

t.test('a failing JWKS keeps its back-off when its issuer is evicted, so cycling issuers cannot make it a download per request', async (t) => {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  let down = true
  s.handler = (req, res) => {
    res.setHeader('content-type', 'application/json')
    if (down && req.url?.startsWith('/tenant-a/') === true) res.statusCode = 503
    res.end(JSON.stringify({ keys: [key.jwk] }))
  }
  const now = manualClock(NOW_S * 1000)
  const verifier = new TokenVerifier({ trustIssuer: (iss) => iss, clientId: null, clock: now.now, issuerCacheMaxEntries: 1, tokenCacheMaxEntries: 0 })
  const a = await sign(key, accessClaims(`${s.origin}/tenant-a`))
  const b = await sign(key, accessClaims(`${s.origin}/tenant-b`))
  const fetchesOfA = (): number => s.requests.filter((r) => r.url?.startsWith('/tenant-a/') === true).length
  await rejectsWith(t, verifier.verify(a), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE', 'the first failure')
  for (let i = 0; i < 5; i++) {
    await verifier.verify(b)
    const err = await rejectsWith(t, verifier.verify(a), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE', `tenant-a after an eviction, round ${i}`)
    t.equal(err.retryAfterMs, 1000, `round ${i}: the back-off goes on`)
  }
  t.equal(fetchesOfA(), 1, 'no download during the back-off, evictions or not')
  now.advance(1000)
  await verifier.verify(b)
  t.equal((await rejectsWith(t, verifier.verify(a), JwksUnavailableError)).retryAfterMs, 2000, 'and it doubles as if the key set had never been dropped')
  t.equal(fetchesOfA(), 2)
  down = false
  now.advance(2000)
  await verifier.verify(b)
  t.ok(await verifier.verify(a), 'the endpoint is back')
  await verifier.verify(b)
  now.advance(600_000)
  down = true
  t.equal((await rejectsWith(t, verifier.verify(a), JwksUnavailableError)).retryAfterMs, 1000, 'a success ends the back-off it carried')
})
