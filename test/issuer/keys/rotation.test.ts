import t from 'tap'
import { generateKeyRecord, type KeyDocument, type KeyRecord } from '../../../src/issuer/keys/key-file.js'
import { keyRoles, rotateKeyDocument, ROTATION_DEFAULTS, settleKeys } from '../../../src/issuer/keys/rotation.js'

const T0 = Date.parse('2027-01-01T00:00:00.000Z')
const LEAD = 1_200_000
const RETIRE_AFTER = 3_900_000
const iso = (ms: number): string => new Date(ms).toISOString()
const kids = (keys: readonly KeyRecord[]): string[] => keys.map((k) => k.kid)

const first = await generateKeyRecord('RS256', 'active', T0)
const start: KeyDocument = { version: 1, keys: [first] }

t.test('defaults: publish 20 minutes before signing, keep 5 minutes past the last expiry', async (t) => {
  t.same(ROTATION_DEFAULTS, { publishLeadSeconds: 1200, retireMarginSeconds: 300 })
})

t.test('a single active key signs and is published', async (t) => {
  const roles = keyRoles(start.keys, T0, RETIRE_AFTER)
  t.equal(roles.signing.kid, first.kid)
  t.same(kids(roles.published), [first.kid])
})

t.test('a rotation publishes the new key at once and signs with it only after the lead', async (t) => {
  const { document, result } = await rotateKeyDocument(start, T0, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER })
  const next = result.next.kid
  t.equal(result.added, true)
  t.equal(result.next.activateAt, iso(T0 + LEAD))
  t.equal(result.next.alg, 'RS256', 'keeps the algorithm of the signing key')
  t.same(result.active, { kid: first.kid, alg: 'RS256' })
  t.same(result.retiring, [])
  t.same(result.removed, [])

  const before = keyRoles(document.keys, T0 + LEAD - 1, RETIRE_AFTER)
  t.equal(before.signing.kid, first.kid, 'the old key signs until activateAt')
  t.same(kids(before.published), [first.kid, next], 'both are published')

  const after = keyRoles(document.keys, T0 + LEAD, RETIRE_AFTER)
  t.equal(after.signing.kid, next, 'the new key signs from activateAt')
  t.same(kids(after.published), [next, first.kid], 'the old key is still published')

  const lastMoment = keyRoles(document.keys, T0 + LEAD + RETIRE_AFTER - 1, RETIRE_AFTER)
  t.same(kids(lastMoment.published), [next, first.kid], 'until every token it signed has expired, plus the margin')
  const gone = keyRoles(document.keys, T0 + LEAD + RETIRE_AFTER, RETIRE_AFTER)
  t.same(kids(gone.published), [next], 'then it leaves the JWKS')
})

t.test('a rotation while one is waiting changes nothing', async (t) => {
  const once = await rotateKeyDocument(start, T0, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER })
  const twice = await rotateKeyDocument(once.document, T0 + 1000, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER })
  t.equal(twice.result.added, false)
  t.equal(twice.result.next.kid, once.result.next.kid)
  t.same(twice.document, once.document)
})

t.test('a later rotation writes down the switch, then drops the expired key', async (t) => {
  const once = await rotateKeyDocument(start, T0, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER })
  const second = await rotateKeyDocument(once.document, T0 + LEAD + 1, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER })
  t.equal(second.result.added, true)
  t.same(second.result.active, { kid: once.result.next.kid, alg: 'RS256' })
  t.same(second.result.retiring, [{ kid: first.kid, retireAt: iso(T0 + LEAD + RETIRE_AFTER) }])
  t.same(second.result.removed, [])
  const promoted = second.document.keys.find((k) => k.kid === once.result.next.kid)
  t.equal(promoted?.state, 'active')
  t.notOk(promoted !== undefined && 'activateAt' in promoted, 'an active key has no activateAt')

  const third = await rotateKeyDocument(second.document, T0 + LEAD + RETIRE_AFTER + LEAD, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER })
  t.same(third.result.removed, [first.kid])
  t.same(third.result.retiring.map((r) => r.kid), [once.result.next.kid])
  t.equal(third.document.keys.length, 3)
})

t.test('each algorithm has its own keys, and rotates on its own', async (t) => {
  const ec = await rotateKeyDocument(start, T0, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER, algorithm: 'ES256' })
  t.equal(ec.result.added, true)
  t.same(ec.result.active, { kid: ec.result.next.kid, alg: 'ES256' }, 'a new algorithm signs at once: nothing was signed with it before')
  t.equal(ec.result.next.activateAt, iso(T0))
  const roles = keyRoles(ec.document.keys, T0, RETIRE_AFTER)
  t.equal(roles.signing.kid, first.kid, 'the first algorithm of the file stays the default')
  t.equal(roles.signingByAlgorithm.get('ES256')?.kid, ec.result.active.kid)
  t.same(kids(roles.published), [first.kid, ec.result.active.kid], 'both algorithms are published')

  const rotated = await rotateKeyDocument(ec.document, T0, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER, algorithm: 'ES256' })
  t.equal(rotated.result.next.alg, 'ES256')
  t.equal(rotated.result.active.kid, ec.result.active.kid)
  const later = keyRoles(rotated.document.keys, T0 + LEAD, RETIRE_AFTER)
  t.equal(later.signingByAlgorithm.get('ES256')?.kid, rotated.result.next.kid, 'the ES256 key switched')
  t.equal(later.signing.kid, first.kid, 'the RS256 key did not')
  t.same(kids(later.published), [first.kid, rotated.result.next.kid, ec.result.active.kid])
  const settled = await rotateKeyDocument(rotated.document, T0 + LEAD, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER, algorithm: 'ES256' })
  t.same(settled.result.retiring.map((r) => r.kid), [ec.result.active.kid], 'settling works per algorithm')
  t.equal(settled.document.keys.filter((k) => k.state === 'active').length, 2)
})

t.test('settling writes down what the roles already said', async (t) => {
  const { document } = await rotateKeyDocument(start, T0, { leadMs: LEAD, retireAfterMs: RETIRE_AFTER })
  for (const now of [T0, T0 + LEAD, T0 + LEAD + RETIRE_AFTER - 1, T0 + LEAD + RETIRE_AFTER]) {
    const settled = settleKeys(document.keys, now, RETIRE_AFTER)
    const a = keyRoles(document.keys, now, RETIRE_AFTER)
    const b = keyRoles(settled, now, RETIRE_AFTER)
    t.equal(a.signing.kid, b.signing.kid)
    t.same(kids(a.published), kids(b.published), `same roles at ${iso(now)}`)
  }
})

t.test('a lead of 0 switches at once (for test suites)', async (t) => {
  const { document, result } = await rotateKeyDocument(start, T0, { leadMs: 0, retireAfterMs: RETIRE_AFTER })
  t.equal(keyRoles(document.keys, T0, RETIRE_AFTER).signing.kid, result.next.kid)
})
