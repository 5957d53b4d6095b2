import t from 'tap'
import { challengeFor, quotable, realmParam } from '../../src/fastify/challenge.js'
import { CredentialsMissingError, InsufficientScopeError, JwksUnavailableError, TokenExpiredError } from '../../src/verifier/errors.js'

t.test('quotable keeps descriptions inside the RFC 6750 character set', async (t) => {
  t.equal(quotable('a "quoted" \\path\\ é'), 'a \'quoted\' /path/ ')
})

t.test('a challenge names realm, error and description, and scope when a scope is missing', async (t) => {
  const realm = realmParam('api')
  t.equal(challengeFor(new CredentialsMissingError(), realm), 'Bearer realm="api"')
  t.equal(challengeFor(new TokenExpiredError('gone'), realm), 'Bearer realm="api", error="invalid_token", error_description="gone"')
  t.equal(challengeFor(new InsufficientScopeError(['a/b', 'c/d'], 'more'), realm), 'Bearer realm="api", error="insufficient_scope", error_description="more", scope="a/b c/d"')
  t.equal(challengeFor(new JwksUnavailableError('down', 0), realm), undefined)
})
