import t from 'tap'
import { algorithmFitsKey, isSupportedAlgorithm, SUPPORTED_ALGORITHMS, type Algorithm } from '../../src/verifier/algorithms.js'
import type { Jwk } from '../../src/verifier/jwk.js'

const rsa: Jwk = { kty: 'RSA', kid: 'r', n: 'n', e: 'AQAB' }
const ec = (crv: string): Jwk => ({ kty: 'EC', kid: 'e', crv, x: 'x', y: 'y' })
const okp = (crv: string): Jwk => ({ kty: 'OKP', kid: 'o', crv, x: 'x' })

t.test('supports only asymmetric algorithms: never none, never HMAC', async (t) => {
  t.notOk(SUPPORTED_ALGORITHMS.some((a) => a.startsWith('HS')))
  t.notOk((SUPPORTED_ALGORITHMS as readonly string[]).includes('none'))
  for (const alg of SUPPORTED_ALGORITHMS) t.ok(isSupportedAlgorithm(alg), `${alg} is supported`)
  for (const alg of ['none', 'HS256', 'HS512', 'rs256', 'RSA-OAEP', '', 42, null, undefined]) {
    t.notOk(isSupportedAlgorithm(alg), `${String(alg)} is not supported`)
  }
})

t.test('fits RSA keys to the RS and PS algorithms only', async (t) => {
  for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as Algorithm[]) {
    t.ok(algorithmFitsKey(alg, rsa), `${alg} fits RSA`)
    t.notOk(algorithmFitsKey(alg, ec('P-256')), `${alg} does not fit EC`)
    t.notOk(algorithmFitsKey(alg, okp('Ed25519')), `${alg} does not fit OKP`)
  }
})

t.test('fits each ECDSA algorithm to its own curve only', async (t) => {
  const curves: Array<[Algorithm, string]> = [['ES256', 'P-256'], ['ES384', 'P-384'], ['ES512', 'P-521']]
  for (const [alg, crv] of curves) {
    t.ok(algorithmFitsKey(alg, ec(crv)), `${alg} fits ${crv}`)
    for (const [, other] of curves.filter(([a]) => a !== alg)) t.notOk(algorithmFitsKey(alg, ec(other)), `${alg} does not fit ${other}`)
    t.notOk(algorithmFitsKey(alg, rsa), `${alg} does not fit RSA`)
    t.notOk(algorithmFitsKey(alg, okp('Ed25519')), `${alg} does not fit OKP`)
  }
})

t.test('fits EdDSA to Ed25519 OKP keys only', async (t) => {
  t.ok(algorithmFitsKey('EdDSA', okp('Ed25519')))
  t.notOk(algorithmFitsKey('EdDSA', okp('Ed448')))
  t.notOk(algorithmFitsKey('EdDSA', ec('P-256')))
  t.notOk(algorithmFitsKey('EdDSA', rsa))
})

t.test('refuses a key whose own alg names another algorithm (RFC 8725 §3.1)', async (t) => {
  t.ok(algorithmFitsKey('RS256', { ...rsa, alg: 'RS256' }))
  t.notOk(algorithmFitsKey('PS256', { ...rsa, alg: 'RS256' }))
  t.notOk(algorithmFitsKey('RS256', { ...rsa, alg: 'RS384' }))
  t.notOk(algorithmFitsKey('ES256', { ...ec('P-256'), alg: 'ES384' }))
})

t.test('refuses an algorithm it does not implement, whatever the key', async (t) => {
  t.notOk(algorithmFitsKey('HS256' as Algorithm, rsa))
  t.notOk(algorithmFitsKey('none' as Algorithm, rsa))
})
