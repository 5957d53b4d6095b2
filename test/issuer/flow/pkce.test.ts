import t from 'tap'
import { s256, verifierMatches } from '../../../src/issuer/flow/pkce.js'

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

t.test('computes the S256 challenge of RFC 7636 Appendix B', async (t) => {
  t.equal(s256(VERIFIER), CHALLENGE)
})

t.test('matches a verifier only against its own challenge, and only when well formed', async (t) => {
  t.ok(verifierMatches(VERIFIER, CHALLENGE))
  t.notOk(verifierMatches(`${VERIFIER}x`, CHALLENGE), 'another verifier')
  t.notOk(verifierMatches('short', s256('short')), 'fewer than 43 characters')
  t.notOk(verifierMatches(`${VERIFIER}!`, s256(`${VERIFIER}!`)), 'a character outside the unreserved set')
  t.notOk(verifierMatches(VERIFIER, `${CHALLENGE}x`), 'a challenge of another length')
})
