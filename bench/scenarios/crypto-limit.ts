/**
 * Row 8, the physical limit: how many signatures node:crypto verifies per second on one core
 * (synchronous, so one thread does all the work), for RS256 (RSA-2048), ES256 and EdDSA. The
 * RS256 figure gives the ceiling for unique tokens: 1 / (1/baseline + 1/verify_rate).
 *
 * For reference it also times WebCrypto's RS256 verify awaited one at a time, which is what jose
 * calls, and node:crypto's callback form with many verifications in flight, which runs on libuv's
 * threadpool and is what our verifier calls: on a machine with more than one core it can pass the
 * one-core figure.
 */
import { createPublicKey, createSign, generateKeyPairSync, sign, verify, webcrypto, type JsonWebKey, type KeyObject } from 'node:crypto'
import { base64url, type JWK } from 'jose'
import { spread, type Spread } from '../stats.js'

export type CryptoAlg = 'RS256' | 'ES256' | 'EdDSA' | 'RS256-webcrypto' | 'RS256-threadpool'

interface Case {
  readonly input: Buffer
  readonly signature: Buffer
  readonly key: KeyObject
}

function rs256FromToken (token: string, jwk: JWK): Case {
  const last = token.lastIndexOf('.')
  return { input: Buffer.from(token.slice(0, last)), signature: Buffer.from(base64url.decode(token.slice(last + 1))), key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }) }
}

function freshCase (type: 'ec' | 'ed25519', input: Buffer): Case {
  if (type === 'ec') {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const signature = createSign('sha256').update(input).sign({ key: privateKey, dsaEncoding: 'ieee-p1363' })
    return { input, signature, key: publicKey }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return { input, signature: sign(null, input, privateKey), key: publicKey }
}

function timeSync (seconds: number, once: () => boolean): number {
  let n = 0
  const started = performance.now()
  const until = started + seconds * 1000
  let now = started
  while (now < until) {
    for (let i = 0; i < 50; i++) if (once()) n++
    now = performance.now()
  }
  return n / ((now - started) / 1000)
}

async function timeAsync (seconds: number, once: () => Promise<boolean>): Promise<number> {
  let n = 0
  const started = performance.now()
  const until = started + seconds * 1000
  let now = started
  while (now < until) {
    for (let i = 0; i < 20; i++) if (await once()) n++
    now = performance.now()
  }
  return n / ((now - started) / 1000)
}

/** Verifications per second with `inFlight` callback-form verifications kept going (libuv's threadpool). */
async function timeThreadpool (seconds: number, inFlight: number, once: (done: (ok: boolean) => void) => void): Promise<number> {
  let n = 0
  const started = performance.now()
  const until = started + seconds * 1000
  await new Promise<void>((resolve, reject) => {
    let running = 0
    const next = (): void => {
      running++
      once((ok) => {
        running--
        if (!ok) reject(new Error('a bench signature failed to verify'))
        n++
        if (performance.now() < until) next()
        else if (running === 0) resolve()
      })
    }
    for (let i = 0; i < inFlight; i++) next()
  })
  return n / ((performance.now() - started) / 1000)
}

/** Verifications per second, one measurement per algorithm. */
export async function measureCrypto (token: string, jwk: JWK, seconds: number): Promise<Record<CryptoAlg, number>> {
  const rs = rs256FromToken(token, jwk)
  const es = freshCase('ec', rs.input)
  const ed = freshCase('ed25519', rs.input)
  const subtleKey = await webcrypto.subtle.importKey('jwk', jwk as webcrypto.JsonWebKey, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
  const check = (ok: boolean): boolean => {
    if (!ok) throw new Error('a bench signature failed to verify')
    return ok
  }
  return {
    RS256: timeSync(seconds, () => check(verify('sha256', rs.input, rs.key, rs.signature))),
    ES256: timeSync(seconds, () => check(verify('sha256', es.input, { key: es.key, dsaEncoding: 'ieee-p1363' }, es.signature))),
    EdDSA: timeSync(seconds, () => check(verify(null, ed.input, ed.key, ed.signature))),
    'RS256-webcrypto': await timeAsync(seconds, async () => check(await webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', subtleKey, rs.signature, rs.input))),
    'RS256-threadpool': await timeThreadpool(seconds, 64, (done) => verify('sha256', rs.input, rs.key, rs.signature, (err, ok) => done(err == null && ok)))
  }
}

export interface CryptoResult {
  readonly perSecond: Record<CryptoAlg, Spread>
}

export function summarizeCrypto (samples: ReadonlyArray<Record<CryptoAlg, number>>): CryptoResult {
  const algs: CryptoAlg[] = ['RS256', 'ES256', 'EdDSA', 'RS256-webcrypto', 'RS256-threadpool']
  return { perSecond: Object.fromEntries(algs.map((a) => [a, spread(samples.map((s) => s[a]))])) as Record<CryptoAlg, Spread> }
}

/** The most req/s a server can reach when each request costs one baseline request plus one verification. */
export function ceiling (baselineRps: number, verifyPerSecond: number): number {
  return 1 / (1 / baselineRps + 1 / verifyPerSecond)
}
