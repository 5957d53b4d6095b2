import t, { type Test } from 'tap'
import { generateKeyPair, exportJWK, calculateJwkThumbprint } from 'jose'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { generateKeyRecord, importPrivateJwk, isKeyAlgorithm, KEY_ALGORITHMS, validateKeyDocument, type KeyRecord } from '../../../src/issuer/keys/key-file.js'
import { IssuerConfigError } from '../../../src/issuer/errors.js'

const NOW = Date.parse('2027-01-01T00:00:00.000Z')
const active = await generateKeyRecord('RS256', 'active', NOW)

function rejects (t: Test, document: unknown, field: string, says?: RegExp): void {
  let caught: unknown
  try {
    validateKeyDocument(document, 'keys.json')
  } catch (err) {
    caught = err
  }
  t.ok(caught instanceof IssuerConfigError, `${field}: an IssuerConfigError`)
  t.equal((caught as IssuerConfigError).field, field)
  if (says !== undefined) t.match((caught as Error).message, says)
  t.notMatch((caught as Error).message, (active.privateJwk as { d: string }).d.slice(0, 20), 'never shows private key material')
}

t.test('generates a key for every algorithm, with its thumbprint as kid', async (t) => {
  t.same(KEY_ALGORITHMS, ['RS256', 'PS256', 'ES256', 'EdDSA'])
  for (const alg of KEY_ALGORITHMS) {
    const record = await generateKeyRecord(alg, 'active', NOW)
    t.equal(record.alg, alg)
    t.equal(record.state, 'active')
    t.equal(record.createdAt, '2027-01-01T00:00:00.000Z')
    t.notOk('activateAt' in record)
    t.ok('d' in record.privateJwk, 'holds the private key')
    const publicJwk = createPublicKey(importPrivateJwk(record.privateJwk, alg)!).export({ format: 'jwk' })
    t.equal(record.kid, await calculateJwkThumbprint(publicJwk as any), `${alg} kid is the RFC 7638 thumbprint`)
  }
})

t.test('generates a next key with its activation time', async (t) => {
  const record = await generateKeyRecord('ES256', 'next', NOW, NOW + 1000)
  t.equal(record.activateAt, '2027-01-01T00:00:01.000Z')
})

t.test('generates RSA keys of 2048 bits', async (t) => {
  const key = importPrivateJwk(active.privateJwk, 'RS256')!
  t.equal(key.asymmetricKeyDetails?.modulusLength, 2048)
})

t.test('imports a private key only when it fits the algorithm', async (t) => {
  const ec = await generateKeyRecord('ES256', 'active', NOW)
  const ed = await generateKeyRecord('EdDSA', 'active', NOW)
  t.ok(importPrivateJwk(active.privateJwk, 'PS256'), 'an RSA key serves PS256 too')
  t.equal(importPrivateJwk(active.privateJwk, 'ES256'), undefined)
  t.equal(importPrivateJwk(ec.privateJwk, 'RS256'), undefined)
  t.equal(importPrivateJwk(ec.privateJwk, 'EdDSA'), undefined)
  t.equal(importPrivateJwk(ed.privateJwk, 'ES256'), undefined)
  const { d, ...publicOnly } = active.privateJwk
  t.equal(importPrivateJwk(publicOnly, 'RS256'), undefined, 'a public key is not enough')
  t.equal(importPrivateJwk('nope', 'RS256'), undefined)
  const p384 = await exportJWK((await generateKeyPair('ES384', { extractable: true })).privateKey)
  t.equal(importPrivateJwk(p384, 'ES256'), undefined, 'ES256 needs P-256')
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' })
  t.equal(importPrivateJwk(small, 'RS256'), undefined, 'RSA under 2048 bits is refused')
})

t.test('knows its algorithms', async (t) => {
  t.ok(isKeyAlgorithm('EdDSA'))
  t.notOk(isKeyAlgorithm('HS256'))
  t.notOk(isKeyAlgorithm(undefined))
})

t.test('accepts a document with an active, a next and a retiring key', async (t) => {
  const next: KeyRecord = { ...(await generateKeyRecord('RS256', 'next', NOW, NOW + 1)) }
  const retiring: KeyRecord = { ...(await generateKeyRecord('RS256', 'active', NOW)), state: 'retiring', retireAt: new Date(NOW).toISOString() }
  const document = validateKeyDocument({ version: 1, keys: [active, next, retiring] })
  t.equal(document.keys.length, 3)
})

t.test('names the wrong field of a key file', async (t) => {
  const next = await generateKeyRecord('RS256', 'next', NOW, NOW + 1)
  rejects(t, [], 'document')
  rejects(t, { version: 2, keys: [active] }, 'version', /got 2/)
  rejects(t, { version: 1, keys: {} }, 'keys')
  rejects(t, { version: 1, keys: Array.from({ length: 21 }, () => active) }, 'keys', /at most 20/)
  rejects(t, { version: 1, keys: [] }, 'keys', /exactly one active key \(found 0\)/)
  rejects(t, { version: 1, keys: [active, { ...next, kid: 'other' }, { ...next, kid: 'another' }] }, 'keys', /at most one next/)
  rejects(t, { version: 1, keys: [active, { ...active, kid: 'two' }] }, 'keys', /found 2/)
  rejects(t, { version: 1, keys: [active, { ...(await generateKeyRecord('ES256', 'next', NOW, NOW + 1)) }] }, 'keys', /one active key per algorithm \(found 0 for ES256\)/)
  rejects(t, { version: 1, keys: [active, active] }, 'keys[1].kid', /repeats/)
  rejects(t, { version: 1, keys: [{ ...active, kid: 'a b' }] }, 'keys[0].kid')
  rejects(t, { version: 1, keys: [{ ...active, alg: 'HS256' }] }, 'keys[0].alg', /RS256, PS256, ES256, EdDSA/)
  rejects(t, { version: 1, keys: [{ ...active, state: 'old' }] }, 'keys[0].state')
  rejects(t, { version: 1, keys: [{ ...active, createdAt: 'yesterday' }] }, 'keys[0].createdAt', /ISO 8601/)
  rejects(t, { version: 1, keys: [{ ...active, createdAt: 5 }] }, 'keys[0].createdAt')
  rejects(t, { version: 1, keys: [active, { ...next, activateAt: undefined }] }, 'keys[1].activateAt')
  rejects(t, { version: 1, keys: [{ ...active, activateAt: next.activateAt }] }, 'keys[0].activateAt', /next keys only/)
  rejects(t, { version: 1, keys: [active, { ...next, state: 'retiring', activateAt: undefined }] }, 'keys[1].retireAt')
  rejects(t, { version: 1, keys: [{ ...active, retireAt: next.activateAt }] }, 'keys[0].retireAt', /retiring keys only/)
  rejects(t, { version: 1, keys: [{ ...active, alg: 'ES256' }] }, 'keys[0].privateJwk', /private JWK for ES256/)
  rejects(t, { version: 1, keys: [{ ...active, extra: true }] }, 'keys[0].extra')
})
