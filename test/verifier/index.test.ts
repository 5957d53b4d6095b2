import t from 'tap'
import * as api from '../../src/verifier/index.js'

t.test('exports the verifier, its helpers and every error class', async (t) => {
  for (const name of [
    'TokenVerifier', 'SUPPORTED_ALGORITHMS', 'cognitoIssuers', 'DEFAULTS', 'compileRequirements',
    'checkRequirements', 'ERROR_CODES', 'OptionError', 'ResourceServerError', 'TokenExpiredError',
    'JwksUnavailableError', 'InsufficientScopeError', 'InsufficientClaimError', 'cognitoUserPools'
  ]) {
    t.ok(name in api, `${name} is exported`)
  }
})

t.test('keeps internals out of the public surface', async (t) => {
  for (const name of ['resolveOptions', 'RemoteKeySet', 'KeyEntry', 'fetchJwks', 'decodeCompactJws', 'checkHeader', 'acceptJwk', 'TokenCache', 'createVerifiedToken', 'parseClaimPath', 'claimAt', 'compileClaims', 'resolveProfile', 'IssuerRegistry', 'IssuerMetadata', 'NearMisses', 'loggableIss']) {
    t.notOk(name in api, `${name} is not exported`)
  }
})

t.test('freezes the documented defaults', async (t) => {
  t.ok(Object.isFrozen(api.DEFAULTS))
  t.same(api.DEFAULTS.algorithms, ['RS256'])
  t.equal(api.DEFAULTS.tokenUse, 'access')
})
