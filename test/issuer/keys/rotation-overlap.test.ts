// "At no point during a rotation is a valid token rejected": a rotation played out on a clock we
// move by hand, against verifiers that cache the JWKS, over real HTTP.
import { join } from 'node:path'
import t from 'tap'
import { decodeProtectedHeader } from 'jose'
import { TokenVerifier } from '../../../src/verifier/verifier.js'
import { CLIENTS, getToken, startIssuer } from '../../helpers/issuer-fixtures.js'
import { manualClock } from '../../helpers/jwks-server.js'
import type { IssuerInstance } from '../../../src/issuer/server.js'

const SECOND = 1000
const LEAD = 1200 * SECOND // the default publish lead
const RETIRE_AFTER = (3600 + 300) * SECOND // the poster's 3600 s validity + the default margin

function verifierFor (app: IssuerInstance, clock: () => number, options: { jwksMaxAgeMs?: number } = {}): TokenVerifier {
  return new TokenVerifier({ issuer: app.issuer.urls.issuer, clientId: null, clock, tokenCacheMaxEntries: 0, ...options })
}

t.test('tokens signed before and after a rotation all verify throughout the overlap', async (t) => {
  const clock = manualClock(Date.now())
  const app = await startIssuer(t, { clock: clock.now, keyFile: join(t.testdir(), 'keys.json') })
  // Defaults (10 min max age, 30 s cooldown), and one that relies on refetch-on-unknown-kid only.
  const verifiers = [verifierFor(app, clock.now), verifierFor(app, clock.now, { jwksMaxAgeMs: 86_400_000 })]
  const tokens: string[] = []
  const allVerify = async (when: string): Promise<void> => {
    for (const [i, verifier] of verifiers.entries()) {
      for (const [j, token] of tokens.entries()) {
        await t.resolves(verifier.verify(token), `${when}: verifier ${i} accepts token ${j}`)
      }
    }
  }

  tokens.push(await getToken(app, CLIENTS.poster))
  await allVerify('before the rotation') // both verifiers now hold the JWKS with the old key only
  const oldKid = decodeProtectedHeader(tokens[0]!).kid

  clock.advance(SECOND)
  const rotation = await app.issuer.rotateKeys()
  const activateAt = Date.parse(rotation.next.activateAt)
  t.equal(activateAt, clock.now() + LEAD)
  clock.advance(SECOND)
  tokens.push(await getToken(app, CLIENTS.poster))
  t.equal(decodeProtectedHeader(tokens[1]!).kid, oldKid, 'the new key is published but does not sign yet')
  await allVerify('just after the rotation')

  clock.set(activateAt - SECOND)
  tokens.push(await getToken(app, CLIENTS.poster))
  t.equal(decodeProtectedHeader(tokens[2]!).kid, oldKid)
  await allVerify('a second before the switch')

  clock.set(activateAt)
  tokens.push(await getToken(app, CLIENTS.poster))
  t.equal(decodeProtectedHeader(tokens[3]!).kid, rotation.next.kid, 'the new key signs from activateAt')
  await allVerify('at the switch')

  clock.set(activateAt - SECOND + 3600 * SECOND - SECOND)
  tokens.splice(0, 2) // these have expired by now
  await allVerify('a second before the last old-key token expires')
  t.ok(app.issuer.jwks().keys.some((k) => k.kid === oldKid), 'the old key is still published')

  clock.set(activateAt + RETIRE_AFTER)
  t.notOk(app.issuer.jwks().keys.some((k) => k.kid === oldKid), 'once every token it signed has expired, the old key is gone')
  tokens.splice(0, tokens.length, await getToken(app, CLIENTS.poster))
  await allVerify('after the old key left')
})

t.test('a second instance on the same key file publishes the new key in time and switches with the first', async (t) => {
  const clock = manualClock(Date.now())
  const keyFile = join(t.testdir(), 'keys.json')
  const a = await startIssuer(t, { clock: clock.now, keyFile })
  const b = await startIssuer(t, { clock: clock.now, keyFile })
  const rotation = await a.issuer.rotateKeys()
  clock.advance(10 * SECOND) // b's key-file check interval
  const { keys } = await (await fetch(b.issuer.urls.jwksUri)).json() as { keys: Array<{ kid: string }> }
  t.ok(keys.some((k) => k.kid === rotation.next.kid), 'b publishes the next key long before it signs')
  clock.set(Date.parse(rotation.next.activateAt))
  t.equal(decodeProtectedHeader(await getToken(b, CLIENTS.poster)).kid, rotation.next.kid, 'b switches at the same moment')
})

t.test('why the lead matters: switching at once can be refused by a verifier in its cooldown', async (t) => {
  const clock = manualClock(Date.now())
  const app = await startIssuer(t, { clock: clock.now })
  const verifier = verifierFor(app, clock.now)
  await verifier.verify(await getToken(app, CLIENTS.poster)) // the verifier fetched the JWKS just now
  clock.advance(SECOND)
  await app.issuer.rotateKeys({ publishLeadSeconds: 0 })
  await t.rejects(verifier.verify(await getToken(app, CLIENTS.poster)), { code: 'ERR_KEY_NOT_FOUND' },
    'a new kid within 30 s of the last fetch is not refetched, so the token is refused')
})
