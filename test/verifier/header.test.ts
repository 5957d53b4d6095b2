import t from 'tap'
import type { Algorithm } from '../../src/verifier/algorithms.js'
import { AlgorithmNotAllowedError, HeaderInvalidError } from '../../src/verifier/errors.js'
import { checkHeader, checkProfileTyp } from '../../src/verifier/header.js'
import { COGNITO_PROFILE, resolveProfile } from '../../src/verifier/profiles.js'
import { throwsWith, type Asserts } from '../helpers/assert.js'

const RS256 = new Set<Algorithm>(['RS256'])
const ok = { alg: 'RS256', kid: 'k1' }

const invalid = (t: Asserts, header: Record<string, unknown>, member: string, label: string): void => {
  const err = throwsWith(t, () => checkHeader(header, RS256), HeaderInvalidError, 'ERR_HEADER_INVALID', label)
  t.equal(err.member, member, `${label}: names ${member}`)
}

t.test('returns the alg and kid of an acceptable header', async (t) => {
  t.same(checkHeader(ok, RS256), { alg: 'RS256', kid: 'k1' })
  t.same(checkHeader({ alg: 'ES256', kid: 'e' }, new Set<Algorithm>(['RS256', 'ES256'])), { alg: 'ES256', kid: 'e' })
})

t.test('rejects an alg outside the allowlist, none and HMAC included', async (t) => {
  for (const alg of ['none', 'None', 'HS256', 'HS512', 'ES256', 'rs256', '', 42, null, ['RS256'], undefined]) {
    throwsWith(t, () => checkHeader({ ...ok, alg }, RS256), AlgorithmNotAllowedError, 'ERR_ALG_NOT_ALLOWED', `alg ${JSON.stringify(alg)}`)
  }
  const { alg: _, ...noAlg } = ok
  throwsWith(t, () => checkHeader(noAlg, RS256), AlgorithmNotAllowedError, 'ERR_ALG_NOT_ALLOWED', 'no alg')
})

t.test('echoes a plain alg in the message but never arbitrary attacker text', async (t) => {
  const plain = throwsWith(t, () => checkHeader({ ...ok, alg: 'HS256' }, RS256), AlgorithmNotAllowedError)
  t.match(plain.message, /"HS256"/)
  t.match(plain.message, /accepted: RS256/)
  for (const alg of ['x"\r\nSet-Cookie: a=b', 'HS256\\', 'A'.repeat(17), 'x y']) {
    const err = throwsWith(t, () => checkHeader({ ...ok, alg }, RS256), AlgorithmNotAllowedError)
    t.notOk(err.message.includes(alg), `${JSON.stringify(alg)} is not echoed`)
    t.notMatch(err.message, /[\r\n\\]/)
  }
})

t.test('rejects any crit, even an empty one (RFC 7515 §4.1.11)', async (t) => {
  invalid(t, { ...ok, crit: ['exp'] }, 'crit', 'crit [exp]')
  invalid(t, { ...ok, crit: [] }, 'crit', 'crit []')
  invalid(t, { ...ok, crit: null }, 'crit', 'crit null')
})

t.test('requires kid to be a non-empty string of at most 1024 characters', async (t) => {
  t.same(checkHeader({ ...ok, kid: 'k'.repeat(1024) }, RS256).kid, 'k'.repeat(1024))
  invalid(t, { alg: 'RS256' }, 'kid', 'no kid')
  invalid(t, { ...ok, kid: '' }, 'kid', 'empty kid')
  invalid(t, { ...ok, kid: 42 }, 'kid', 'numeric kid')
  invalid(t, { ...ok, kid: ['k1'] }, 'kid', 'array kid')
  invalid(t, { ...ok, kid: 'k'.repeat(1025) }, 'kid', 'kid of 1025 characters')
})

t.test('accepts no typ, or JWT and at+jwt with or without application/, in any case', async (t) => {
  for (const typ of [undefined, 'JWT', 'jwt', 'at+jwt', 'AT+JWT', 'application/jwt', 'application/at+jwt', 'Application/At+JWT']) {
    t.same(checkHeader({ ...ok, typ }, RS256), { alg: 'RS256', kid: 'k1' }, `typ ${String(typ)}`)
  }
})

t.test('rejects any other typ', async (t) => {
  for (const typ of ['JOSE', 'JWS', 'secevent+jwt', 'logout+jwt', 'application/json', '', 'at+jwt ', 42, null, ['JWT']]) {
    invalid(t, { ...ok, typ }, 'typ', `typ ${JSON.stringify(typ)}`)
  }
})

t.test('ignores jku, x5u, jwk and x5c: keys never come from the token', async (t) => {
  t.same(checkHeader({
    ...ok,
    jku: 'https://attacker.example/jwks.json',
    x5u: 'https://attacker.example/cert.pem',
    jwk: { kty: 'oct', k: 'AAAA' },
    x5c: ['MIIB']
  }, RS256), { alg: 'RS256', kid: 'k1' })
})

t.test('rejects any cty: a nested token is never accepted (RFC 7519 §5.2)', async (t) => {
  for (const cty of ['JWT', 'jwt', 'at+jwt', 'json', '', null]) invalid(t, { ...ok, cty }, 'cty', `cty ${JSON.stringify(cty)}`)
})

t.test('checks typ against the profile once the issuer is known', async (t) => {
  const rfc9068 = resolveProfile('profile', 'rfc9068')
  for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt']) t.doesNotThrow(() => checkProfileTyp({ ...ok, typ }, rfc9068), `rfc9068 takes ${typ}`)
  for (const typ of [undefined, 'JWT', 'application/jwt']) {
    const err = throwsWith(t, () => checkProfileTyp({ ...ok, typ }, rfc9068), HeaderInvalidError, 'ERR_HEADER_INVALID', `rfc9068 refuses typ ${String(typ)}`)
    t.equal(err.member, 'typ')
  }
  const okta = resolveProfile('profile', 'okta')
  t.doesNotThrow(() => checkProfileTyp(ok, okta), 'okta: no typ')
  const err = throwsWith(t, () => checkProfileTyp({ ...ok, typ: 'JWT' }, okta), HeaderInvalidError, 'ERR_HEADER_INVALID', 'okta: typ JWT')
  t.match(err.message, /okta profile/)
  for (const typ of [undefined, 'JWT', 'at+jwt']) t.doesNotThrow(() => checkProfileTyp({ ...ok, typ }, COGNITO_PROFILE), `cognito keeps the header rule for ${String(typ)}`)
})
