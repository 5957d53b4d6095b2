// Our node:crypto signature check against jose's compactVerify, the oracle: for every algorithm,
// a corpus of valid and broken tokens, and the two must agree on every one of them.
import { constants, createPrivateKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto'
import t from 'tap'
import { base64url, CompactSign, compactVerify, exportJWK, importJWK } from 'jose'
import { SUPPORTED_ALGORITHMS, type Algorithm } from '../../src/verifier/algorithms.js'
import { decodeCompactJws } from '../../src/verifier/compact-jws.js'
import { acceptJwk } from '../../src/verifier/jwk.js'
import { SignatureKey } from '../../src/verifier/signature.js'
import { makeKey, type TestKey } from '../helpers/keys.js'

// The group orders (OpenSSL's `ecparam -param_enc explicit`), and Ed25519's L (RFC 8032 §5.1).
const ORDERS: Record<string, bigint> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n
}
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n

interface Case {
  readonly label: string
  readonly token: string
  /** Whether it carries a genuine signature: the corpus must not be rejected wholesale. */
  readonly genuine?: true
}

const toBytes = (n: bigint, width: number): Buffer => Buffer.from(n.toString(16).padStart(width * 2, '0'), 'hex')
const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`)

function withSignature (token: string, signature: Uint8Array): string {
  return `${token.slice(0, token.lastIndexOf('.'))}.${base64url.encode(signature)}`
}

async function privateKeyObject (key: TestKey): Promise<KeyObject> {
  return createPrivateKey({ key: await exportJWK(key.privateKey) as JsonWebKey, format: 'jwk' })
}

async function corpus (alg: Algorithm, key: TestKey, other: TestKey): Promise<Case[]> {
  const signingInput = `${base64url.encode(JSON.stringify({ alg, kid: key.kid }))}.${base64url.encode(JSON.stringify({ sub: 'client-abc', jti: alg }))}`
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`
  const hashBytes = Number(alg.slice(2)) / 8
  // What RFC 7518 prescribes for alg, signed by node:crypto: PSS salt as long as the hash, r‖s for ECDSA.
  const signed = (k: KeyObject, digest = hash): Buffer => sign(digest, Buffer.from(signingInput), alg.startsWith('PS')
    ? { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashBytes }
    : { key: k, dsaEncoding: 'ieee-p1363' })
  const privateKey = await privateKeyObject(key)
  const genuine = signed(privateKey)
  const token = `${signingInput}.${base64url.encode(genuine)}`
  const byJose = await new CompactSign(new TextEncoder().encode('{"sub":"jose"}')).setProtectedHeader({ alg, kid: key.kid }).sign(key.privateKey)
  const cases: Case[] = [{ label: 'valid', token, genuine: true }, { label: 'valid, signed by jose', token: byJose, genuine: true }]

  for (let i = 0; i < genuine.length; i++) {
    const flipped = Buffer.from(genuine)
    flipped[i] = (flipped[i] as number) ^ 0xff
    cases.push({ label: `byte ${i} flipped`, token: withSignature(token, flipped) })
  }
  cases.push(
    { label: 'no signature', token: `${signingInput}.` },
    { label: 'last byte cut', token: withSignature(token, genuine.subarray(0, -1)) },
    { label: 'first byte cut', token: withSignature(token, genuine.subarray(1)) },
    { label: 'half cut', token: withSignature(token, genuine.subarray(0, genuine.length >> 1)) },
    { label: 'a zero byte appended', token: withSignature(token, Buffer.concat([genuine, Buffer.alloc(1)])) },
    { label: 'a zero byte prepended', token: withSignature(token, Buffer.concat([Buffer.alloc(1), genuine])) },
    { label: 'doubled', token: withSignature(token, Buffer.concat([genuine, genuine])) },
    { label: 'all zero', token: withSignature(token, Buffer.alloc(genuine.length)) },
    { label: 'signed by another key', token: withSignature(token, signed(await privateKeyObject(other))) },
    { label: 'the signature of another token', token: withSignature(token, base64url.decode(byJose.slice(byJose.lastIndexOf('.') + 1))) }
  )

  const order = ORDERS[alg]
  if (order !== undefined) {
    const width = genuine.length / 2
    const r = toBigInt(genuine.subarray(0, width))
    const s = toBigInt(genuine.subarray(width))
    const pair = (a: bigint, b: bigint): Buffer => Buffer.concat([toBytes(a, width), toBytes(b, width)])
    cases.push(
      { label: 'r = 0, s = 0 (psychic signature)', token: withSignature(token, pair(0n, 0n)) },
      { label: 'r = 0', token: withSignature(token, pair(0n, s)) },
      { label: 's = 0', token: withSignature(token, pair(r, 0n)) },
      { label: 'r = n', token: withSignature(token, pair(order, s)) },
      { label: 's = n', token: withSignature(token, pair(r, order)) },
      { label: 'r = s = n', token: withSignature(token, pair(order, order)) },
      { label: 'r + n', token: withSignature(token, pair(r + order, s)) },
      // (r, n - s) verifies as well as (r, s): ECDSA as JWS defines it does not pin low-S.
      { label: 'high-S twin', token: withSignature(token, pair(r, order - s)), genuine: true },
      { label: 'DER instead of r‖s', token: withSignature(token, sign(hash, Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'der' })) }
    )
  }
  if (alg === 'EdDSA') {
    const s = toBigInt(Buffer.from(genuine.subarray(32)).reverse())
    cases.push({ label: 'S + L (malleated)', token: withSignature(token, Buffer.concat([genuine.subarray(0, 32), toBytes(s + ED25519_L, 32).reverse()])) })
  }
  if (alg.startsWith('PS')) {
    for (const saltLength of [0, 20, hashBytes - 1, hashBytes + 1, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
      const salted = sign(hash, Buffer.from(signingInput), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength })
      cases.push({ label: `PSS salt length ${saltLength === constants.RSA_PSS_SALTLEN_MAX_SIGN ? 'max' : saltLength}`, token: withSignature(token, salted) })
    }
    cases.push({ label: 'PKCS#1 v1.5 instead of PSS', token: withSignature(token, sign(hash, Buffer.from(signingInput), privateKey)) })
  }
  if (alg.startsWith('RS')) {
    const pss = sign(hash, Buffer.from(signingInput), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashBytes })
    cases.push({ label: 'PSS instead of PKCS#1 v1.5', token: withSignature(token, pss) })
  }
  if (hash !== null) {
    const otherHash = hash === 'sha256' ? 'sha384' : 'sha256'
    cases.push({ label: `signed over ${otherHash}`, token: withSignature(token, signed(privateKey, otherHash)) })
  }
  return cases
}

/**
 * Our path from the token string on: the strict decode, then the node:crypto check, on the
 * threadpool and on the event loop (`verifyOnThreadpool: false`). `undefined` when the two differ.
 */
async function ours (token: string, alg: Algorithm, key: SignatureKey): Promise<boolean | undefined> {
  let decoded
  try {
    decoded = decodeCompactJws(token, 65_536)
  } catch {
    return false
  }
  const pooled = await key.verify(alg, decoded.signingInput, decoded.signature)
  return pooled === key.verifySync(alg, decoded.signingInput, decoded.signature) ? pooled : undefined
}

async function oracle (token: string, alg: Algorithm, jwk: TestKey['jwk']): Promise<boolean> {
  try {
    await compactVerify(token, await importJWK(jwk, alg), { algorithms: [alg] })
    return true
  } catch {
    return false
  }
}

for (const alg of SUPPORTED_ALGORITHMS) {
  t.test(`${alg}: agrees with jose's compactVerify on every token of the corpus`, async (t) => {
    const key = await makeKey(alg, `${alg}-key`)
    const other = await makeKey(alg, `${alg}-other`)
    const jwk = acceptJwk(key.jwk)
    const signatureKey = jwk === undefined ? null : SignatureKey.of(jwk)
    if (signatureKey === null) throw new Error(`the ${alg} test key did not import`)
    const cases = await corpus(alg, key, other)
    let disagreements = 0
    for (const c of cases) {
      const [mine, theirs] = await Promise.all([ours(c.token, alg, signatureKey), oracle(c.token, alg, key.jwk)])
      if (mine !== theirs) {
        disagreements++
        t.fail(`${c.label}: ours ${mine === undefined ? 'is split' : mine ? 'accepts' : 'rejects'}, jose ${theirs ? 'accepts' : 'rejects'}`)
      }
      if (c.genuine === true) t.equal(mine, true, `${c.label} is accepted by both`)
    }
    t.equal(disagreements, 0, `no disagreement over ${cases.length} tokens`)
    t.ok(cases.length > 40, 'the corpus is not trivially small')
  })
}
