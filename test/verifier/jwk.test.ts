import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { exportJWK } from 'jose'
import { acceptJwk } from '../../src/verifier/jwk.js'
import { makeKey } from '../helpers/keys.js'

const rsa = await makeKey('RS256', 'rsa')
const es256 = await makeKey('ES256', 'es256')
const es384 = await makeKey('ES384', 'es384')
const es512 = await makeKey('ES512', 'es512')
const ed = await makeKey('EdDSA', 'ed')
const rsaJwk = rsa.jwk as Record<string, unknown>
const ecJwk = es256.jwk as Record<string, unknown>
const okpJwk = ed.jwk as Record<string, unknown>

/** A base64url RSA modulus of `bytes` bytes whose first byte is `top`. */
const modulus = (bytes: number, top: number, leadingZeros = 0): string =>
  Buffer.from([...new Array<number>(leadingZeros).fill(0), top, ...new Array<number>(bytes - 1).fill(0xab)]).toString('base64url')

t.test('keeps RSA, EC and Ed25519 public keys, with only the members it reads', async (t) => {
  t.same(acceptJwk(rsaJwk), { kty: 'RSA', kid: 'rsa', alg: 'RS256', n: rsaJwk.n, e: rsaJwk.e })
  for (const key of [es256, es384, es512]) {
    const jwk = key.jwk as Record<string, unknown>
    t.same(acceptJwk(jwk), { kty: 'EC', kid: key.kid, alg: key.alg, crv: jwk.crv, x: jwk.x, y: jwk.y }, key.alg)
  }
  t.same(acceptJwk(okpJwk), { kty: 'OKP', kid: 'ed', alg: 'EdDSA', crv: 'Ed25519', x: okpJwk.x, y: undefined })
  const { alg: _, use: __, ...bare } = rsaJwk
  t.same(acceptJwk(bare), { kty: 'RSA', kid: 'rsa', alg: undefined, n: rsaJwk.n, e: rsaJwk.e }, 'no alg and no use is fine')
})

t.test('drops anything that is not a JSON object', async (t) => {
  for (const raw of [null, undefined, 'key', 42, true, [rsaJwk]]) t.equal(acceptJwk(raw), undefined, JSON.stringify(raw))
})

t.test('requires a non-empty string kid', async (t) => {
  const { kid: _, ...noKid } = rsaJwk
  t.equal(acceptJwk(noKid), undefined, 'no kid')
  t.equal(acceptJwk({ ...rsaJwk, kid: '' }), undefined, 'empty kid')
  t.equal(acceptJwk({ ...rsaJwk, kid: 7 }), undefined, 'numeric kid')
})

t.test('keeps use sig and drops use enc or anything else', async (t) => {
  t.ok(acceptJwk({ ...rsaJwk, use: 'sig' }))
  t.equal(acceptJwk({ ...rsaJwk, use: 'enc' }), undefined)
  t.equal(acceptJwk({ ...rsaJwk, use: 'SIG' }), undefined)
  t.equal(acceptJwk({ ...rsaJwk, use: null }), undefined)
})

t.test('keeps a key whose key_ops allow verify, and drops any other key_ops', async (t) => {
  t.ok(acceptJwk({ ...rsaJwk, key_ops: ['verify'] }))
  t.ok(acceptJwk({ ...rsaJwk, key_ops: ['encrypt', 'verify'] }))
  t.equal(acceptJwk({ ...rsaJwk, key_ops: ['encrypt'] }), undefined)
  t.equal(acceptJwk({ ...rsaJwk, key_ops: [] }), undefined)
  t.equal(acceptJwk({ ...rsaJwk, key_ops: 'verify' }), undefined, 'a string is not an array')
})

t.test('drops a key whose alg is not a string', async (t) => {
  t.equal(acceptJwk({ ...rsaJwk, alg: 256 }), undefined)
  t.equal(acceptJwk({ ...rsaJwk, alg: null }), undefined)
})

t.test('drops a published private key, whatever private member it carries', async (t) => {
  const privateJwk = await exportJWK(rsa.privateKey)
  t.equal(acceptJwk({ ...privateJwk, kid: 'rsa' }), undefined, 'a full private RSA JWK')
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
    t.equal(acceptJwk({ ...rsaJwk, [member]: 'AQAB' }), undefined, `RSA with ${member}`)
    t.equal(acceptJwk({ ...ecJwk, [member]: 'AQAB' }), undefined, `EC with ${member}`)
  }
})

t.test('drops RSA keys whose modulus is under 2048 bits', async (t) => {
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' })
  t.equal(acceptJwk({ ...small, kid: 'small' }), undefined, 'a real 1024-bit key')
  t.ok(acceptJwk({ ...rsaJwk, n: modulus(256, 0x80) }), 'exactly 2048 bits')
  t.equal(acceptJwk({ ...rsaJwk, n: modulus(256, 0x7f) }), undefined, '2047 bits')
  t.equal(acceptJwk({ ...rsaJwk, n: modulus(256, 0x7f, 4) }), undefined, '2047 bits after leading zero bytes')
  t.ok(acceptJwk({ ...rsaJwk, n: modulus(256, 0xff, 2) }), '2048 bits after leading zero bytes')
  t.equal(acceptJwk({ ...rsaJwk, n: 'AAAA' }), undefined, 'a zero modulus')
})

t.test('drops RSA keys without a usable n and e', async (t) => {
  const { n: _, ...noN } = rsaJwk
  const { e: __, ...noE } = rsaJwk
  t.equal(acceptJwk(noN), undefined, 'no n')
  t.equal(acceptJwk(noE), undefined, 'no e')
  t.equal(acceptJwk({ ...rsaJwk, n: '' }), undefined, 'empty n')
  t.equal(acceptJwk({ ...rsaJwk, e: 3 }), undefined, 'numeric e')
  t.equal(acceptJwk({ ...rsaJwk, n: '@@@@' }), undefined, 'n that is not base64url')
})

t.test('keeps EC keys on P-256, P-384 and P-521 only, with both coordinates', async (t) => {
  const { crv: _, ...noCrv } = ecJwk
  const { y: __, ...noY } = ecJwk
  const { x: ___, ...noX } = ecJwk
  for (const crv of ['secp256k1', 'P-192', 'Ed25519', 'p-256']) t.equal(acceptJwk({ ...ecJwk, crv }), undefined, crv)
  t.equal(acceptJwk(noCrv), undefined, 'no crv')
  t.equal(acceptJwk({ ...ecJwk, crv: 256 }), undefined, 'numeric crv')
  t.equal(acceptJwk(noX), undefined, 'no x')
  t.equal(acceptJwk(noY), undefined, 'no y')
  t.equal(acceptJwk({ ...ecJwk, y: '' }), undefined, 'empty y')
})

t.test('keeps OKP keys on Ed25519 only', async (t) => {
  const { x: _, ...noX } = okpJwk
  for (const crv of ['Ed448', 'X25519', 'P-256']) t.equal(acceptJwk({ ...okpJwk, crv }), undefined, crv)
  t.equal(acceptJwk(noX), undefined, 'no x')
})

t.test('drops symmetric and unknown key types', async (t) => {
  t.equal(acceptJwk({ kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }), undefined, 'oct with k')
  t.equal(acceptJwk({ kty: 'oct', kid: 'hmac' }), undefined, 'oct without k')
  t.equal(acceptJwk({ ...rsaJwk, kty: 'rsa' }), undefined, 'kty is case-sensitive')
  const { kty: _, ...noKty } = rsaJwk
  t.equal(acceptJwk(noKty), undefined, 'no kty')
})

t.test('drops RSA keys whose modulus is over the maximum, 4096 bits unless told otherwise', async (t) => {
  t.ok(acceptJwk({ ...rsaJwk, n: modulus(512, 0xff) }), 'exactly 4096 bits')
  t.equal(acceptJwk({ ...rsaJwk, n: modulus(513, 0x01) }), undefined, '4097 bits')
  t.equal(acceptJwk({ ...rsaJwk, n: modulus(2048, 0xff) }), undefined, '16384 bits')
  t.ok(acceptJwk({ ...rsaJwk, n: modulus(1024, 0xff) }, 8192), '8192 bits when the maximum is 8192')
  t.equal(acceptJwk({ ...rsaJwk, n: modulus(512, 0xff) }, 2048), undefined, '4096 bits when the maximum is 2048')
})
