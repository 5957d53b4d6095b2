import { createHash } from 'node:crypto'
import t from 'tap'
import { atHash } from '../../../src/issuer/tokens/user-tokens.js'

t.test('at_hash for RS256, PS256 and ES256 is the left half of SHA-256: the OpenID Connect Core example', async (t) => {
  // OIDC Core, Appendix A.3: this access token and its at_hash, from an RS256 ID token.
  const accessToken = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y'
  for (const alg of ['RS256', 'PS256', 'ES256'] as const) t.equal(atHash(accessToken, alg), '77QmUPtjPfzWtF2AnpK9RQ', alg)
})

t.test('at_hash for EdDSA (Ed25519) is the left 32 bytes of SHA-512', async (t) => {
  const accessToken = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y'
  const expected = createHash('sha512').update(accessToken).digest().subarray(0, 32).toString('base64url')
  t.equal(atHash(accessToken, 'EdDSA'), expected)
  t.equal(Buffer.from(atHash(accessToken, 'EdDSA'), 'base64url').length, 32)
})
