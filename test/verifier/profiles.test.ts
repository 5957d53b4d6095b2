import t from 'tap'
import { OptionError } from '../../src/verifier/errors.js'
import { COGNITO_PROFILE, resolveProfile } from '../../src/verifier/profiles.js'
import { throwsWith } from '../helpers/assert.js'

t.test('knows cognito and rfc9068, and the presets of issuers that do not follow RFC 9068', async (t) => {
  t.equal(resolveProfile('profile', 'cognito'), COGNITO_PROFILE)
  const strict = resolveProfile('profile', 'rfc9068')
  t.same([strict.name, [...strict.typ ?? []], strict.clientIdClaims, strict.scopeClaim, strict.requireJti], ['rfc9068', ['at+jwt', 'application/at+jwt'], ['client_id'], 'scope', true])
  t.same([...resolveProfile('profile', 'okta').typ ?? []], [''], 'okta: a header without typ')
  t.same(resolveProfile('profile', 'okta').clientIdClaims, ['cid'])
  t.equal(resolveProfile('profile', 'okta').scopeClaim, 'scp')
  t.same(resolveProfile('profile', 'entra').clientIdClaims, ['azp', 'appid'])
  t.same(resolveProfile('profile', 'keycloak').requiredClaims.map(([c, v]) => [c, [...v]]), [['typ', ['Bearer', 'bearer']]])
  t.same(resolveProfile('profile', 'auth0').clientIdClaims, ['client_id', 'azp'])
  t.equal(resolveProfile('profile', 'auth0').requireJti, false)
})

t.test('takes a mapped profile, members left undefined counting as left out', async (t) => {
  const p = resolveProfile('profile', { typ: ['JWT', null], clientIdClaim: 'appid', scopeClaim: 'scp', requiredClaims: { ver: '1.0', other: undefined } as never, requireJti: undefined, extra: undefined } as never)
  t.same([p.name, [...p.typ ?? []], p.clientIdClaims, p.scopeClaim, p.requireJti], ['mapped', ['jwt', ''], ['appid'], 'scp', false])
  t.same(p.requiredClaims.map(([c, v]) => [c, [...v]]), [['ver', ['1.0']]])
  t.equal(resolveProfile('profile', { typ: ['at+jwt'], clientIdClaim: 'client_id', requireJti: true }).requireJti, true)
})

t.test('refuses a profile it cannot honour, naming the member', async (t) => {
  const refuses = (value: unknown, option: string, label: string): void => {
    const err = throwsWith(t, () => resolveProfile('profile', value), OptionError, 'ERR_INVALID_OPTION', label)
    t.equal(err.option, option, `${label}: names ${option}`)
  }
  for (const bad of ['RFC9068', 'generic', '', 42, null, ['rfc9068'], 'toString', '__proto__']) refuses(bad, 'profile', `profile ${JSON.stringify(bad)}`)
  const ok = { typ: ['JWT'], clientIdClaim: 'azp' }
  refuses({ ...ok, typ: [] }, 'profile.typ', 'no typ')
  refuses({ ...ok, typ: 'JWT' }, 'profile.typ', 'typ not a list')
  refuses({ ...ok, typ: ['JOSE'] }, 'profile.typ', 'a typ the header check refuses anyway')
  refuses({ ...ok, typ: [''] }, 'profile.typ', 'an empty typ')
  refuses({ ...ok, clientIdClaim: '' }, 'profile.clientIdClaim', 'an empty client claim')
  refuses({ ...ok, clientIdClaim: [] }, 'profile.clientIdClaim', 'no client claim')
  refuses({ typ: ['JWT'] }, 'profile.clientIdClaim', 'a missing client claim')
  refuses({ ...ok, scopeClaim: 'a b' }, 'profile.scopeClaim', 'a claim name with a space')
  refuses({ ...ok, scopeClaim: ['scp', 'scope'] }, 'profile.scopeClaim', 'several scope claims, of which only one could be read')
  refuses({ ...ok, scopeClaim: 7 }, 'profile.scopeClaim', 'a number')
  refuses({ ...ok, requiredClaims: ['typ'] }, 'profile.requiredClaims', 'required claims as a list')
  refuses({ ...ok, requiredClaims: { typ: [] } }, 'profile.requiredClaims.typ', 'a required claim with no accepted value')
  refuses({ ...ok, requiredClaims: { 'a b': 'x' } }, 'profile.requiredClaims', 'a required claim name with a space')
  refuses({ ...ok, requireJti: 'yes' }, 'profile.requireJti', 'requireJti not a boolean')
  refuses({ ...ok, clientId: 'azp' }, 'profile.clientId', 'an unknown member')
})

t.test('quotes the wrong value of a profile member', async (t) => {
  const ok = { typ: ['JWT'], clientIdClaim: 'azp' }
  const message = (value: unknown): string => throwsWith(t, () => resolveProfile('profile', value), OptionError, 'ERR_INVALID_OPTION').message
  t.match(message({ ...ok, typ: ['JWT', 'JOSE'] }), /\(got "JOSE"\)$/, 'the typ the header check refuses')
  t.match(message({ ...ok, typ: [] }), /\(got an empty array\)$/)
  t.match(message({ ...ok, typ: 'JWT' }), /\(got "JWT"\)$/, 'a typ not in a list')
  t.match(message({ ...ok, requireJti: 'yes' }), /must be true or false \(got "yes"\)$/)
  t.match(message({ ...ok, clientIdClaim: ['azp', 'a b'] }), /\(got "a b"\)$/)
  t.match(message({ ...ok, requiredClaims: ['typ'] }), /\(got an array\)$/)
  t.match(message({ ...ok, scopeClaim: ['scp', 'scope'] }), /must be one claim name .*\(got an array\)$/)
})
