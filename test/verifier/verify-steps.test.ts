import t from 'tap'
import { IssuerRegistry } from '../../src/verifier/issuer-registry.js'
import { runChecks, VERIFY_STEPS, type VerifyStep } from '../../src/verifier/verify-steps.js'
import { issuerFixture } from '../helpers/verifier-fixture.js'

t.test('the observer hears every check in the verifier\'s order, each with what it found', async (t) => {
  const f = await issuerFixture(t)
  const heard: Array<[VerifyStep, unknown]> = []
  const token = await f.token()
  const checked = await runChecks(token, f.verifier.options, new IssuerRegistry(f.verifier.options), { passed: (step, detail) => { heard.push([step, detail]) } })
  t.same(heard.map(([step]) => step), VERIFY_STEPS)
  t.equal(heard.find(([step]) => step === 'signature')?.[1], checked.key)
  t.same(checked.token.claims, (await f.verifier.verify(token)).claims, 'verify() reaches the same token through the same checks')
})

t.test('a failing check is the one after the last the observer heard', async (t) => {
  const f = await issuerFixture(t)
  const heard: VerifyStep[] = []
  await t.rejects(runChecks(await f.token({ exp: 1 }), f.verifier.options, new IssuerRegistry(f.verifier.options), { passed: (step) => { heard.push(step) } }), { code: 'ERR_TOKEN_EXPIRED' })
  t.same(heard, VERIFY_STEPS.slice(0, VERIFY_STEPS.indexOf('time')))
})
