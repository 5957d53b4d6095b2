import t from 'tap'
import { cognitoUserPools } from '../../src/verifier/cognito.js'
import { IssuerMismatchError, OptionError } from '../../src/verifier/errors.js'
import { TokenVerifier } from '../../src/verifier/verifier.js'
import { rejectsWith } from '../helpers/assert.js'
import { startJwksServer } from '../helpers/jwks-server.js'
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
  t.equal(asked, POOLS * 2, 'trustIssuer is asked only for issuers not in hand')
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
