import t from 'tap'
import { IssuerConfigError, IssuerFileError, IssuerNotListeningError, IssuerUsageError, ISSUER_ERROR_CODES } from '../../src/issuer/errors.js'
import { OAUTH_ERROR_CODES, OAuthError } from '../../src/issuer/endpoints/oauth-errors.js'

t.test('every issuer error has a stable code, listed once', async (t) => {
  const errors = [
    new IssuerConfigError('clients[0].clientId', 'must be a string', 'issuer.json'),
    new IssuerFileError('issuer.json', 'cannot be read (ENOENT)'),
    new IssuerUsageError('unknown command "x"'),
    new IssuerNotListeningError()
  ]
  t.same(errors.map((e) => e.code), ISSUER_ERROR_CODES)
  t.same(errors.map((e) => e.name), ['TypeError', 'IssuerFileError', 'TypeError', 'IssuerNotListeningError'])
  t.ok(errors[0] instanceof TypeError, 'configuration errors are TypeErrors')
  t.ok(errors[2] instanceof TypeError, 'usage errors are TypeErrors')
  t.equal(errors[0]!.message, 'fastify-resource-server issuer: issuer.json: "clients[0].clientId" must be a string')
})

t.test('OAuth refusals carry the RFC 6749 code and the HTTP status', async (t) => {
  const statuses = OAUTH_ERROR_CODES.map((code) => new OAuthError(code, 'x').status)
  t.same(OAUTH_ERROR_CODES, ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type',
    'unsupported_response_type', 'unsupported_token_type', 'invalid_scope', 'access_denied', 'login_required', 'server_error'])
  t.same(statuses, [400, 401, 400, 400, 400, 400, 400, 400, 400, 400, 500])
  const err = new OAuthError('invalid_scope', 'The client is not allowed the scope "a/b".')
  t.equal(err.name, 'OAuthError')
  t.equal(err.error, 'invalid_scope')
  t.equal(err.message, 'The client is not allowed the scope "a/b".')
})
