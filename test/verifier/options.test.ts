import t from 'tap'
import { OptionError } from '../../src/verifier/errors.js'
import { DEFAULTS, isTrustedKeyUrl, resolveOptions, type VerifierOptions } from '../../src/verifier/options.js'
import { COGNITO_PROFILE } from '../../src/verifier/profiles.js'
import { TokenVerifier } from '../../src/verifier/verifier.js'
import { throwsWith, type Asserts } from '../helpers/assert.js'

const ISS = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'
const base: VerifierOptions = { issuer: ISS, clientId: 'client-abc' }

/** Resolving `options` must throw a TypeError coded ERR_INVALID_OPTION that names `option`. */
function rejectsOption (t: Asserts, options: unknown, option: string, label = option): OptionError {
  const err = throwsWith(t, () => resolveOptions(options as VerifierOptions), OptionError, 'ERR_INVALID_OPTION', label)
  t.ok(err instanceof TypeError, `${label}: is a TypeError`)
  t.equal(err.option, option, `${label}: names ${option}`)
  t.ok(err.message.includes(`"${option}"`), `${label}: the message names ${option}`)
  return err
}

t.test('applies the documented defaults', async (t) => {
  const o = resolveOptions(base)
  t.same([...o.issuers.keys()], [ISS])
  t.same(o.issuers.get(ISS), {
    issuer: ISS,
    jwksUri: `${ISS}/.well-known/jwks.json`,
    profile: COGNITO_PROFILE,
    clientIds: new Set(['client-abc']),
    tokenUse: 'access',
    audiences: null
  })
  t.same([...o.algorithms], ['RS256'])
  t.equal(o.clockToleranceSeconds, 5)
  t.equal(o.maxTokenLifetimeSeconds, 86_400)
  t.equal(o.maxTokenBytes, 8192)
  t.equal(o.jwksTimeoutMs, 5000)
  t.equal(o.jwksCooldownMs, 30_000)
  t.equal(o.jwksMaxAgeMs, 600_000)
  t.equal(o.jwksStaleIfErrorMs, 900_000)
  t.equal(o.jwksMaxBytes, 524_288)
  t.equal(o.tokenCacheMaxEntries, 10_000)
  t.equal(o.tokenCacheMaxBytes, 4_194_304)
  t.equal(o.tokenCacheAdmission, 'second-use')
  t.equal(o.verifyOnThreadpool, true)
  t.equal(o.clock, Date.now)
  t.same({ ...DEFAULTS }, {
    tokenUse: 'access',
    algorithms: ['RS256'],
    clockToleranceSeconds: 5,
    maxTokenLifetimeSeconds: 86_400,
    maxTokenBytes: 8192,
    jwksTimeoutMs: 5000,
    jwksCooldownMs: 30_000,
    jwksMaxAgeMs: 600_000,
    jwksStaleIfErrorMs: 900_000,
    jwksMaxBytes: 524_288,
    maxRsaKeyBits: 4096,
    tokenCacheMaxEntries: 10_000,
    tokenCacheMaxBytes: 4_194_304,
    tokenCacheAdmission: 'second-use',
    issuerCacheMaxEntries: 1000,
    verifyOnThreadpool: true
  })
  t.equal(o.maxRsaKeyBits, 4096)
  t.equal(o.issuerCacheMaxEntries, 1000)
  t.equal(o.trustIssuer, undefined)
})

t.test('keeps every option it is given', async (t) => {
  const clock = (): number => 0
  const o = resolveOptions({
    ...base,
    tokenUse: 'id',
    audience: ['urn:a', 'urn:b'],
    algorithms: ['RS256', 'ES256', 'RS256'],
    clockToleranceSeconds: 0,
    maxTokenLifetimeSeconds: 3600,
    maxTokenBytes: 4096,
    jwksTimeoutMs: 100,
    jwksCooldownMs: 1000,
    jwksMaxAgeMs: 10_000,
    jwksStaleIfErrorMs: 0,
    jwksMaxBytes: 1024,
    tokenCacheMaxEntries: 0,
    tokenCacheMaxBytes: 0,
    tokenCacheAdmission: 'first-use',
    verifyOnThreadpool: false,
    clock
  })
  const issuer = o.issuers.get(ISS)
  t.equal(issuer?.tokenUse, 'id')
  t.same(issuer?.audiences, new Set(['urn:a', 'urn:b']))
  t.same([...o.algorithms], ['RS256', 'ES256'])
  t.same([o.clockToleranceSeconds, o.maxTokenLifetimeSeconds, o.maxTokenBytes, o.jwksTimeoutMs, o.jwksCooldownMs, o.jwksMaxAgeMs, o.jwksStaleIfErrorMs, o.jwksMaxBytes, o.tokenCacheMaxEntries],
    [0, 3600, 4096, 100, 1000, 10_000, 0, 1024, 0])
  t.equal(o.tokenCacheMaxBytes, 0)
  t.equal(o.tokenCacheAdmission, 'first-use')
  t.equal(o.verifyOnThreadpool, false)
  t.equal(o.clock, clock)
})

t.test('derives both Cognito issuers, and their JWKS URIs, from a userPoolId', async (t) => {
  const o = resolveOptions({ userPoolId: 'eu-west-1_AbC123', clientId: 'c' })
  t.same([...o.issuers.values()].map((i) => [i.issuer, i.jwksUri]), [
    [ISS, `${ISS}/.well-known/jwks.json`],
    ['https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123', 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json']
  ])
  const two = resolveOptions({ userPoolId: ['eu-west-1_AbC123', 'us-east-1_Xyz'], clientId: 'c' })
  t.equal(two.issuers.size, 4)
  const both = resolveOptions({ userPoolId: 'us-east-1_Xyz', issuer: ISS, clientId: 'c' })
  t.equal(both.issuers.size, 3, 'issuer and userPoolId add up')
})

t.test('rejects a userPoolId without the shape of one', async (t) => {
  for (const pool of ['eu-west-1', 'eu-west-1_', 'eu-west-1_a/b', 'EU-WEST-1_abc', 42, null, ['eu-west-1_AbC123', 'x']]) {
    rejectsOption(t, { userPoolId: pool, clientId: 'c' }, 'userPoolId', `userPoolId ${JSON.stringify(pool)}`)
  }
  rejectsOption(t, { userPoolId: [], clientId: 'c' }, 'userPoolId', 'an empty list')
})

t.test('rejects options that are not an object', async (t) => {
  for (const value of [undefined, null, 'issuer', 42]) rejectsOption(t, value, 'options', String(value))
  throwsWith(t, () => new TokenVerifier(undefined as unknown as VerifierOptions), OptionError, 'ERR_INVALID_OPTION')
})

t.test('rejects unknown option keys, naming them with their path', async (t) => {
  rejectsOption(t, { ...base, clientID: 'x' }, 'clientID', 'a misspelt clientId')
  rejectsOption(t, { ...base, allowHttp: true }, 'allowHttp')
  rejectsOption(t, { issuer: { issuer: ISS, clientId: 'c', scope: 'x' } }, 'issuer.scope')
  rejectsOption(t, { issuers: [ISS, { issuer: `${ISS}2`, audiences: 'x' }], clientId: 'c' }, 'issuers[1].audiences')
})

t.test('requires an issuer or a userPoolId', async (t) => {
  rejectsOption(t, { clientId: 'c' }, 'issuer', 'neither')
  rejectsOption(t, { issuers: [], clientId: 'c' }, 'issuers', 'an empty list')
})

t.test('rejects an issuer entry that is neither a URL nor an issuer object', async (t) => {
  rejectsOption(t, { issuer: 42, clientId: 'c' }, 'issuer', 'a number')
  rejectsOption(t, { issuer: null, clientId: 'c' }, 'issuer', 'null')
  rejectsOption(t, { issuers: [ISS, 42], clientId: 'c' }, 'issuers[1]', 'a number in a list')
  rejectsOption(t, { issuer: '', clientId: 'c' }, 'issuer', 'an empty string')
  rejectsOption(t, { issuer: {}, clientId: 'c' }, 'issuer.issuer', 'an object without issuer')
  rejectsOption(t, { issuers: [{ issuer: 7 }], clientId: 'c' }, 'issuers[0].issuer', 'a numeric issuer member')
  rejectsOption(t, { issuer: 'cognito', clientId: 'c' }, 'issuer', 'not a URL')
})

t.test('requires https for issuers and JWKS URIs, except on loopback', async (t) => {
  for (const ok of ['http://127.0.0.1:8080/pool', 'http://localhost/pool', 'http://[::1]:9000/pool', 'https://example.com/pool']) {
    t.ok(resolveOptions({ issuer: ok, clientId: 'c' }).issuers.has(ok), `${ok} is accepted`)
  }
  for (const bad of ['http://example.com/pool', 'http://10.0.0.1/pool', 'http://127.0.0.2/pool', 'http://localhost.example.com/pool', 'ftp://example.com/pool', 'file:///etc/jwks.json']) {
    rejectsOption(t, { issuer: bad, clientId: 'c' }, 'issuer', bad)
    rejectsOption(t, { ...base, jwksUri: bad }, 'jwksUri', `jwksUri ${bad}`)
    rejectsOption(t, { issuer: { issuer: ISS, jwksUri: bad }, clientId: 'c' }, 'issuer.jwksUri', `issuer.jwksUri ${bad}`)
  }
  t.equal(resolveOptions({ ...base, jwksUri: 'http://localhost:4000/jwks' }).issuers.get(ISS)?.jwksUri, 'http://localhost:4000/jwks')
})

t.test('judges key URLs by scheme and loopback host', async (t) => {
  t.ok(isTrustedKeyUrl(new URL('https://example.com/jwks')))
  t.ok(isTrustedKeyUrl(new URL('http://127.0.0.1/jwks')))
  t.ok(isTrustedKeyUrl(new URL('http://LOCALHOST/jwks')), 'hosts compare after URL normalisation')
  t.ok(isTrustedKeyUrl(new URL('http://[0:0:0:0:0:0:0:1]/jwks')), 'IPv6 loopback in long form')
  t.notOk(isTrustedKeyUrl(new URL('http://example.com/jwks')))
  t.notOk(isTrustedKeyUrl(new URL('ws://127.0.0.1/jwks')))
})

t.test('rejects URLs with credentials or a fragment', async (t) => {
  rejectsOption(t, { issuer: 'https://user:pw@example.com/pool', clientId: 'c' }, 'issuer', 'credentials in issuer')
  rejectsOption(t, { issuer: 'https://example.com/pool#x', clientId: 'c' }, 'issuer', 'fragment in issuer')
  rejectsOption(t, { ...base, jwksUri: 'https://user@example.com/jwks' }, 'jwksUri', 'user in jwksUri')
  for (const url of ['http://user:pw@example.com/jwks', 'http://user:pw@127.0.0.1/jwks', 'https://user:pw@example.com/jwks\n', 'https://user:pw@example.com:99999/jwks', 'https:\\\\user:pw@example.com/jwks']) {
    t.notMatch(rejectsOption(t, { ...base, jwksUri: url }, 'jwksUri', `credentials in ${url}`).message, /pw/, 'the message never echoes them, plain http or not')
  }
})

t.test('rejects a jwksUri that is not a URL string', async (t) => {
  rejectsOption(t, { ...base, jwksUri: 'jwks.json' }, 'jwksUri', 'a relative path')
  rejectsOption(t, { ...base, jwksUri: new URL('https://example.com/jwks') }, 'jwksUri', 'a URL object')
  rejectsOption(t, { ...base, jwksUri: 42 }, 'jwksUri', 'a number')
})

t.test('checks a top-level jwksUri even when the issuer names its own', async (t) => {
  rejectsOption(t, { issuer: { issuer: ISS, jwksUri: 'https://keys.example.com/jwks' }, clientId: 'c', jwksUri: 'http://example.com/jwks' }, 'jwksUri')
  const o = resolveOptions({ issuer: { issuer: ISS, jwksUri: 'https://keys.example.com/own' }, clientId: 'c', jwksUri: 'https://keys.example.com/top' })
  t.equal(o.issuers.get(ISS)?.jwksUri, 'https://keys.example.com/own', "the issuer's own jwksUri wins")
})

t.test('refuses a top-level jwksUri beside trustIssuer alone, which has no issuer to apply it to', async (t) => {
  const trustIssuer = (iss: string): string => iss
  const err = rejectsOption(t, { trustIssuer, clientId: null, jwksUri: 'https://keys.example.com/jwks' }, 'jwksUri')
  t.match(err.message, /applies to a configured issuer only \(got "https:\/\/keys\.example\.com\/jwks"\)/)
  t.match(err.message, /names its own jwksUri/, 'and says where a trusted issuer\'s keys are set')
  rejectsOption(t, { trustIssuer, clientId: null, jwksUri: 'https://u:p@keys.example.com/jwks' }, 'jwksUri', 'credentials are refused first, without echoing them')
  t.notMatch(throwsWith(t, () => resolveOptions({ trustIssuer, clientId: null, jwksUri: 'https://u:p@keys.example.com/jwks' }), OptionError).message, /u:p/)
  const o = resolveOptions({ issuer: ISS, trustIssuer, clientId: null, jwksUri: 'https://keys.example.com/jwks' })
  t.equal(o.issuers.get(ISS)?.jwksUri, 'https://keys.example.com/jwks', 'beside one configured issuer it is that issuer\'s')
  t.equal(o.trustIssuer?.('https://other.example.com/pool')?.jwksUri, 'https://other.example.com/pool/.well-known/jwks.json', 'and never a trusted issuer\'s')
})

t.test('gives trustIssuer resolved, and in its two steps: the application\'s answer, then its check', async (t) => {
  const o = resolveOptions({ trustIssuer: (iss) => iss.endsWith('/a') ? iss : null, clientId: null })
  t.equal(o.trustIssuer?.('https://x.example.com/b'), undefined, 'null is not trusted')
  t.equal(o.trustIssuer?.('https://x.example.com/a')?.jwksUri, 'https://x.example.com/a/.well-known/jwks.json')
  t.equal(o.dynamicTrust?.ask('https://x.example.com/b'), null, 'the answer as given')
  t.equal(o.dynamicTrust?.resolve('https://x.example.com/a', 'https://x.example.com/a').issuer, 'https://x.example.com/a')
  t.equal(resolveOptions(base).dynamicTrust, undefined)
})

t.test('derives the JWKS URI from the issuer, without doubling a trailing slash', async (t) => {
  const o = resolveOptions({ issuer: 'https://auth.example.com/', clientId: 'c' })
  t.same([...o.issuers.values()].map((i) => [i.issuer, i.jwksUri]), [['https://auth.example.com/', 'https://auth.example.com/.well-known/jwks.json']])
})

t.test('refuses one jwksUri for several issuers', async (t) => {
  rejectsOption(t, { issuers: [ISS, `${ISS}2`], clientId: 'c', jwksUri: 'https://keys.example.com/jwks' }, 'jwksUri', 'two issuers')
  rejectsOption(t, { userPoolId: 'eu-west-1_AbC123', clientId: 'c', jwksUri: 'https://keys.example.com/jwks' }, 'jwksUri', 'a userPoolId names two issuers')
  const o = resolveOptions({ issuers: [{ issuer: ISS, jwksUri: 'https://a.example.com/jwks' }, { issuer: `${ISS}2`, jwksUri: 'https://b.example.com/jwks' }], clientId: 'c' })
  t.same([...o.issuers.values()].map((i) => i.jwksUri), ['https://a.example.com/jwks', 'https://b.example.com/jwks'], 'one per issuer is fine')
})

t.test('rejects the same issuer named twice', async (t) => {
  rejectsOption(t, { issuers: [ISS, ISS], clientId: 'c' }, 'issuers[1]')
  rejectsOption(t, { issuer: ISS, userPoolId: 'eu-west-1_AbC123', clientId: 'c' }, 'userPoolId', 'once as issuer, once from the pool')
})

t.test('requires clientId unless it is explicitly null', async (t) => {
  rejectsOption(t, { issuer: ISS }, 'clientId', 'absent')
  rejectsOption(t, { issuer: ISS, clientId: undefined }, 'clientId', 'undefined')
  t.equal(resolveOptions({ issuer: ISS, clientId: null }).issuers.get(ISS)?.clientIds, null, 'null accepts any client')
  t.same(resolveOptions({ issuer: ISS, clientId: ['a', 'b'] }).issuers.get(ISS)?.clientIds, new Set(['a', 'b']))
  for (const bad of ['', [], [''], ['a', 7], 7, { a: 1 }]) {
    rejectsOption(t, { issuer: ISS, clientId: bad }, 'clientId', `clientId ${JSON.stringify(bad)}`)
  }
})

t.test('lets each issuer set its own clientId, tokenUse and audience', async (t) => {
  const o = resolveOptions({
    issuers: [
      { issuer: ISS, clientId: 'own', tokenUse: 'id', audience: 'urn:own' },
      { issuer: `${ISS}2`, clientId: null, tokenUse: null, audience: null },
      `${ISS}3`
    ],
    clientId: 'top',
    tokenUse: 'access',
    audience: 'urn:top'
  })
  const [a, b, c] = [...o.issuers.values()]
  t.same([a?.clientIds, a?.tokenUse, a?.audiences], [new Set(['own']), 'id', new Set(['urn:own'])])
  t.same([b?.clientIds, b?.tokenUse, b?.audiences], [null, null, null])
  t.same([c?.clientIds, c?.tokenUse, c?.audiences], [new Set(['top']), 'access', new Set(['urn:top'])])
  const own = resolveOptions({ issuer: { issuer: ISS, clientId: 'own' } })
  t.same(own.issuers.get(ISS)?.clientIds, new Set(['own']), 'no top-level clientId is needed when every issuer has one')
  rejectsOption(t, { issuers: [{ issuer: ISS, clientId: 'own' }, `${ISS}2`] }, 'clientId', 'an issuer without its own clientId')
  rejectsOption(t, { issuer: { issuer: ISS, clientId: [] } }, 'issuer.clientId')
  rejectsOption(t, { issuer: { issuer: ISS, clientId: undefined } }, 'clientId', 'an explicit undefined clientId on the issuer is left out, so clientId is still required')
  rejectsOption(t, { issuers: [{ issuer: ISS, tokenUse: 'refresh' }], clientId: 'c' }, 'issuers[0].tokenUse')
  rejectsOption(t, { issuer: { issuer: ISS, audience: [] }, clientId: 'c' }, 'issuer.audience')
})

t.test('accepts tokenUse access, id or null only', async (t) => {
  t.equal(resolveOptions({ ...base, tokenUse: null }).issuers.get(ISS)?.tokenUse, null)
  t.equal(resolveOptions({ ...base, tokenUse: 'id' }).issuers.get(ISS)?.tokenUse, 'id')
  for (const bad of ['refresh', 'ACCESS', '', 1]) rejectsOption(t, { ...base, tokenUse: bad }, 'tokenUse', `tokenUse ${JSON.stringify(bad)}`)
})

t.test('accepts an audience string, list or null', async (t) => {
  t.same(resolveOptions({ ...base, audience: 'urn:api' }).issuers.get(ISS)?.audiences, new Set(['urn:api']))
  t.equal(resolveOptions({ ...base, audience: null }).issuers.get(ISS)?.audiences, null)
  for (const bad of ['', [], [3], 3]) rejectsOption(t, { ...base, audience: bad }, 'audience', `audience ${JSON.stringify(bad)}`)
})

t.test('accepts only supported asymmetric algorithms', async (t) => {
  t.same([...resolveOptions({ ...base, algorithms: ['PS256', 'EdDSA'] }).algorithms], ['PS256', 'EdDSA'])
  for (const bad of [[], ['HS256'], ['none'], ['RS256', 'HS256'], ['rs256'], 'RS256', null, {}]) {
    const err = rejectsOption(t, { ...base, algorithms: bad }, 'algorithms', `algorithms ${JSON.stringify(bad)}`)
    t.match(err.message, /RS256, RS384/, 'the message lists what is supported')
  }
  new TokenVerifier({ ...base, algorithms: ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] })
  t.throws(() => new TokenVerifier({ ...base, algorithms: ['HS256' as never] }), { code: 'ERR_INVALID_OPTION', option: 'algorithms' })
})

t.test('requires clock to be a function', async (t) => {
  for (const bad of [42, null, 'now', {}]) rejectsOption(t, { ...base, clock: bad }, 'clock', `clock ${JSON.stringify(bad)}`)
})

t.test('checks every numeric option is an integer inside its range', async (t) => {
  const ranges: Array<[string, number, number]> = [
    ['clockToleranceSeconds', 0, 300],
    ['maxTokenLifetimeSeconds', 1, 31_536_000],
    ['maxTokenBytes', 256, 65_536],
    ['jwksTimeoutMs', 100, 60_000],
    ['jwksCooldownMs', 1000, 3_600_000],
    ['jwksMaxAgeMs', 10_000, 86_400_000],
    ['jwksStaleIfErrorMs', 0, 86_400_000],
    ['jwksMaxBytes', 1024, 16_777_216],
    ['maxRsaKeyBits', 2048, 16_384],
    ['issuerCacheMaxEntries', 1, 1_000_000],
    ['tokenCacheMaxEntries', 0, 10_000_000],
    ['tokenCacheMaxBytes', 0, 4_294_967_296]
  ]
  for (const [name, min, max] of ranges) {
    const o = resolveOptions({ ...base, [name]: min }) as unknown as Record<string, unknown>
    t.equal(o[name], min, `${name} ${min} is the minimum`)
    t.equal((resolveOptions({ ...base, [name]: max }) as unknown as Record<string, unknown>)[name], max, `${name} ${max} is the maximum`)
    for (const bad of [min - 1, max + 1, min + 0.5, Number.NaN, Number.POSITIVE_INFINITY, String(min), null, [min], {}, true]) {
      const err = rejectsOption(t, { ...base, [name]: bad }, name, `${name} ${String(bad)}`)
      t.match(err.message, new RegExp(`from ${min} to ${max}`))
    }
  }
})

t.test('takes verifyOnThreadpool as a boolean only', async (t) => {
  t.equal(resolveOptions({ ...base, verifyOnThreadpool: false }).verifyOnThreadpool, false)
  for (const bad of [0, 1, 'true', null, {}]) {
    const err = rejectsOption(t, { ...base, verifyOnThreadpool: bad }, 'verifyOnThreadpool', `verifyOnThreadpool ${String(bad)}`)
    t.match(err.message, /must be true or false/)
  }
})

t.test('takes tokenCacheAdmission as second-use or first-use only', async (t) => {
  for (const bad of ['second', 'SECOND-USE', true, 2, null]) {
    const err = rejectsOption(t, { ...base, tokenCacheAdmission: bad }, 'tokenCacheAdmission', `tokenCacheAdmission ${String(bad)}`)
    t.match(err.message, /must be "second-use" or "first-use"/)
  }
})

t.test('describes the wrong value it got, shortly', async (t) => {
  t.match(rejectsOption(t, { ...base, jwksTimeoutMs: 'x'.repeat(100) }, 'jwksTimeoutMs').message, /got "x{40}…"/)
  t.match(rejectsOption(t, { ...base, jwksTimeoutMs: '5000' }, 'jwksTimeoutMs').message, /got "5000"/)
  t.match(rejectsOption(t, { ...base, jwksTimeoutMs: [1] }, 'jwksTimeoutMs').message, /got an array/)
  t.match(rejectsOption(t, { ...base, jwksTimeoutMs: null }, 'jwksTimeoutMs').message, /got null/)
  t.match(rejectsOption(t, { ...base, jwksTimeoutMs: {} }, 'jwksTimeoutMs').message, /got an object/)
  t.match(rejectsOption(t, { ...base, jwksTimeoutMs: 0 }, 'jwksTimeoutMs').message, /got 0/)
  t.match(rejectsOption(t, { ...base, issuer: `https://example.com/${'p'.repeat(300)}?x` }, 'issuer').message, /got "https:\/\/example.com\/p{180}…"/, 'a URL is quoted up to 200 characters')
})

t.test('throws at construction, before any request', async (t) => {
  t.throws(() => new TokenVerifier({ issuer: 'http://example.com/pool', clientId: 'c' }), { code: 'ERR_INVALID_OPTION', option: 'issuer' })
  t.throws(() => new TokenVerifier({ issuer: ISS }), { code: 'ERR_INVALID_OPTION', option: 'clientId' })
  const verifier = new TokenVerifier(base)
  t.equal(verifier.options.issuers.get(ISS)?.issuer, ISS)
  t.equal(verifier.jwksFetchCount, 0, 'nothing is fetched at construction')
})

// Misconfigurations that used to pass in silence: each throws at construction, naming the option and the value.

t.test('refuses an issuer with surrounding whitespace, saying which URL was meant', async (t) => {
  const err = rejectsOption(t, { ...base, issuer: `${ISS} ` }, 'issuer')
  t.match(err.message, /must not contain whitespace \(got "https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_AbC123 "\); did you mean "https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_AbC123"\?/)
  rejectsOption(t, { ...base, issuer: `\n${ISS}` }, 'issuer', 'a leading newline')
  rejectsOption(t, { ...base, issuer: { issuer: 'https://example.com/a pool' } }, 'issuer.issuer', 'a space inside')
})

t.test('refuses an issuer with a query string', async (t) => {
  const err = rejectsOption(t, { ...base, issuer: 'https://auth.example.com/pool?tenant=a' }, 'issuer')
  t.match(err.message, /must not carry a query string \(got "https:\/\/auth\.example\.com\/pool\?tenant=a"\); an issuer is a plain URL such as "https:\/\/auth\.example\.com\/pool"/)
  rejectsOption(t, { ...base, issuer: 'https://auth.example.com/pool?' }, 'issuer', 'an empty query')
})

t.test('refuses an issuer with a fragment, even an empty one', async (t) => {
  const err = rejectsOption(t, { ...base, issuer: 'https://auth.example.com/pool#' }, 'issuer')
  t.match(err.message, /must not carry a fragment \(got "https:\/\/auth\.example\.com\/pool#"\)/)
})

t.test('refuses the JWKS URL passed as the issuer, naming the issuer that was meant', async (t) => {
  const err = rejectsOption(t, { ...base, issuer: 'https://x.example.com/.well-known/jwks.json' }, 'issuer')
  t.match(err.message, /option "issuer" looks like a JWKS URL \(got "https:\/\/x\.example\.com\/\.well-known\/jwks\.json"\); pass the issuer "https:\/\/x\.example\.com" or set jwksUri/)
  const cognito = rejectsOption(t, { ...base, issuer: `${ISS}/.well-known/jwks.json` }, 'issuer', "a Cognito pool's JWKS URL")
  t.match(cognito.message, new RegExp(`pass the issuer "${ISS.replace(/\./g, '\\.')}"`))
  rejectsOption(t, { ...base, issuer: 'https://x.example.com/keys/jwks.json' }, 'issuer', 'a jwks.json path without .well-known')
})

t.test('refuses a /.well-known/ metadata URL passed as the issuer', async (t) => {
  const err = rejectsOption(t, { ...base, issuer: 'https://x.example.com/tenant/.well-known/openid-configuration' }, 'issuer')
  t.match(err.message, /looks like a metadata document URL \(got "https:\/\/x\.example\.com\/tenant\/\.well-known\/openid-configuration"\); pass the issuer "https:\/\/x\.example\.com\/tenant"/)
})

t.test('refuses an issuer not written the way it serialises, since iss must match exactly', async (t) => {
  const err = rejectsOption(t, { ...base, issuer: 'https://Auth.Example.com:443/pool' }, 'issuer')
  t.match(err.message, /got "https:\/\/Auth\.Example\.com:443\/pool"\); tokens name their issuer exactly, so write "https:\/\/auth\.example\.com\/pool"/)
  t.ok(resolveOptions({ ...base, issuer: 'https://auth.example.com' }).issuers.has('https://auth.example.com'), 'a bare origin without its slash is accepted as written')
  t.equal(resolveOptions({ ...base, issuer: 'https://auth.example.com' }).issuers.get('https://auth.example.com')?.jwksUri, 'https://auth.example.com/.well-known/jwks.json')
})

t.test('refuses a jwksUri with surrounding whitespace instead of trimming it in silence', async (t) => {
  const err = rejectsOption(t, { ...base, jwksUri: ' https://keys.example.com/jwks' }, 'jwksUri')
  t.match(err.message, /did you mean "https:\/\/keys\.example\.com\/jwks"/)
  t.equal(resolveOptions({ ...base, jwksUri: 'https://keys.example.com/jwks?appid=1' }).issuers.get(ISS)?.jwksUri, 'https://keys.example.com/jwks?appid=1', 'a query is fine on a JWKS URL')
})

t.test('refuses a client id with whitespace, wherever it is given', async (t) => {
  const err = rejectsOption(t, { issuer: ISS, clientId: ' 4vp0kk8pmmr4st5e2pjvqbbemr ' }, 'clientId')
  t.match(err.message, /must not contain whitespace \(got " 4vp0kk8pmmr4st5e2pjvqbbemr "\); did you mean "4vp0kk8pmmr4st5e2pjvqbbemr"\?/)
  rejectsOption(t, { issuer: ISS, clientId: ['ok', 'a b'] }, 'clientId', 'inside, in a list')
  rejectsOption(t, { issuer: { issuer: ISS, clientId: 'abc\n' } }, 'issuer.clientId', 'on an issuer')
})

t.test('refuses an audience with surrounding whitespace', async (t) => {
  rejectsOption(t, { ...base, audience: 'urn:api ' }, 'audience')
  rejectsOption(t, { issuer: { issuer: ISS, audience: [' urn:api'] }, clientId: 'c' }, 'issuer.audience')
})

t.test('refuses a JWKS timeout under 100 ms', async (t) => {
  t.match(rejectsOption(t, { ...base, jwksTimeoutMs: 1 }, 'jwksTimeoutMs').message, /must be an integer from 100 to 60000 \(got 1\)/)
})

t.test('refuses a cooldown under 1 s, which would let random kids hammer the issuer', async (t) => {
  t.match(rejectsOption(t, { ...base, jwksCooldownMs: 0 }, 'jwksCooldownMs').message, /from 1000 to 3600000 \(got 0\)/)
})

t.test('refuses a JWKS max age under 10 s', async (t) => {
  t.match(rejectsOption(t, { ...base, jwksMaxAgeMs: 1000 }, 'jwksMaxAgeMs').message, /from 10000 to 86400000 \(got 1000\)/)
})

t.test('takes the profile per issuer or for all, cognito by default', async (t) => {
  const API = 'https://api.example.com'
  const o = resolveOptions({ issuers: [{ issuer: ISS, profile: 'rfc9068' }, `${ISS}2`], profile: 'okta', audience: API })
  t.same([...o.issuers.values()].map((i) => [i.profile.name, i.clientIds, i.tokenUse, i.audiences]), [['rfc9068', null, 'access', new Set([API])], ['okta', null, 'access', new Set([API])]], 'no clientId needed: the audience binds the token')
  t.equal(resolveOptions(base).issuers.get(ISS)?.profile, COGNITO_PROFILE)
  t.same(resolveOptions({ issuer: ISS, profile: 'rfc9068', audience: API, clientId: 'c' }).issuers.get(ISS)?.clientIds, new Set(['c']))
  rejectsOption(t, { issuer: ISS, profile: 'RFC9068', audience: API }, 'profile')
  rejectsOption(t, { issuer: { issuer: ISS, profile: 'nope' }, audience: API }, 'issuer.profile')
})

t.test('requires an audience with every profile but cognito, since an ID token\'s aud is a client id', async (t) => {
  for (const profile of ['rfc9068', 'auth0', 'okta', 'keycloak', 'entra'] as const) {
    const err = rejectsOption(t, { issuer: ISS, profile }, 'audience', `${profile} without audience`)
    t.match(err.message, new RegExp(`required with the ${profile} profile`))
  }
  rejectsOption(t, { issuer: ISS, profile: 'rfc9068', audience: null }, 'audience', 'an explicit null audience')
  rejectsOption(t, { issuer: { issuer: ISS, profile: 'rfc9068', audience: null } }, 'issuer.audience', 'an explicit null audience on the issuer')
})

t.test('refuses tokenUse on an issuer whose profile accepts access tokens only', async (t) => {
  const err = rejectsOption(t, { issuer: { issuer: ISS, profile: 'rfc9068', tokenUse: null }, audience: 'urn:a' }, 'issuer.tokenUse')
  t.match(err.message, /cognito profile only/)
})

t.test('refuses a top-level tokenUse that no issuer under the cognito profile would apply', async (t) => {
  const API = 'urn:api'
  const trustIssuer = (iss: string): string => iss
  const err = rejectsOption(t, { issuer: ISS, profile: 'rfc9068', audience: API, tokenUse: 'id' }, 'tokenUse', 'a configured issuer under rfc9068')
  t.match(err.message, /cognito profile only.*\(got "id"\)$/)
  rejectsOption(t, { issuer: ISS, profile: 'okta', audience: API, tokenUse: null }, 'tokenUse', 'null, under okta')
  rejectsOption(t, { issuers: [{ issuer: ISS, profile: 'keycloak' }], audience: API, tokenUse: 'access' }, 'tokenUse', 'every issuer under its own other profile')
  rejectsOption(t, { trustIssuer, profile: 'auth0', audience: API, tokenUse: 'id' }, 'tokenUse', 'trusted issuers under auth0')
  const mixed = resolveOptions({ issuers: [{ issuer: ISS, profile: 'rfc9068' }, `${ISS}2`], audience: API, clientId: null, tokenUse: 'id' })
  t.same([...mixed.issuers.values()].map((i) => i.tokenUse), ['access', 'id'], 'beside a cognito issuer it applies to that one')
  t.equal(resolveOptions({ trustIssuer, clientId: null, tokenUse: 'id' }).trustIssuer?.(ISS)?.tokenUse, 'id', 'and to trusted issuers under cognito')
  t.equal(resolveOptions({ trustIssuer, profile: 'cognito', clientId: null, tokenUse: null }).trustIssuer?.(ISS)?.tokenUse, null)
  t.ok(resolveOptions({ issuer: ISS, profile: 'rfc9068', audience: API, tokenUse: undefined }), 'undefined is left out')
})

t.test('takes one issuer under issuer and several under issuers', async (t) => {
  t.match(rejectsOption(t, { issuer: [ISS], clientId: 'c' }, 'issuer', 'a list under issuer').message, /list several under "issuers"/)
  t.match(rejectsOption(t, { issuers: ISS, clientId: 'c' }, 'issuers', 'one string under issuers').message, /for one, use "issuer"/)
  t.equal(resolveOptions({ issuer: ISS, issuers: [`${ISS}2`], clientId: 'c' }).issuers.size, 2, 'both add up')
})

t.test('takes an option passed as undefined as one left out', async (t) => {
  const o = resolveOptions({ ...base, issuers: undefined, userPoolId: undefined, jwksUri: undefined, profile: undefined, audience: undefined, tokenUse: undefined, algorithms: undefined, clockToleranceSeconds: undefined, clock: undefined, notAnOption: undefined } as VerifierOptions)
  t.same([o.issuers.get(ISS)?.tokenUse, o.issuers.get(ISS)?.audiences, o.clockToleranceSeconds, o.clock], ['access', null, 5, Date.now])
  t.ok(resolveOptions({ issuer: { issuer: ISS, jwksUri: undefined, profile: undefined, audience: undefined, typo: undefined } as never, clientId: 'c' }))
})

t.test('allowInsecureHttpHosts: plain http on the named host names only, with a warning', async (t) => {
  const o = resolveOptions({ issuer: 'http://cognito-local:9229/local_pool', clientId: null, allowInsecureHttpHosts: ['cognito-local'] })
  t.same([...o.issuers.keys()], ['http://cognito-local:9229/local_pool'])
  t.equal(o.issuers.get('http://cognito-local:9229/local_pool')?.jwksUri, 'http://cognito-local:9229/local_pool/.well-known/jwks.json')
  t.equal(o.warnings.length, 1)
  t.ok(isTrustedKeyUrl(new URL('http://cognito-local/x'), o.insecureHttpHosts))
  t.same(resolveOptions(base).warnings, [], 'no warning without it')
  t.ok(resolveOptions({ issuer: 'https://a.example.com', clientId: null, jwksUri: 'http://keys.internal/jwks', allowInsecureHttpHosts: ['keys.internal'] }))
  rejectsOption(t, { issuer: 'http://other:9229/p', clientId: null, allowInsecureHttpHosts: ['cognito-local'] }, 'issuer', 'another http host')
  for (const bad of [[], ['http://cognito-local'], ['cognito-local:9229'], ['Cognito-Local'], [''], 'cognito-local', [7]]) {
    rejectsOption(t, { ...base, allowInsecureHttpHosts: bad }, 'allowInsecureHttpHosts', `allowInsecureHttpHosts ${JSON.stringify(bad)}`)
  }
})
