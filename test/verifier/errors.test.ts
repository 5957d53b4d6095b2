import t from 'tap'
import * as errors from '../../src/verifier/errors.js'
import {
  AlgorithmKeyMismatchError,
  AlgorithmNotAllowedError,
  AudienceMismatchError,
  AuthorizationMalformedError,
  ClaimInvalidError,
  ClaimRejectedError,
  ClientIdMismatchError,
  CredentialsMissingError,
  ERROR_CODES,
  ForbiddenError,
  HeaderInvalidError,
  InsufficientClaimError,
  InsufficientGroupError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  IssuerMismatchError,
  JwksUnavailableError,
  KeyLookupUnavailableError,
  KeyNotFoundError,
  MultipleTokensError,
  OptionError,
  ResourceServerError,
  SignatureInvalidError,
  TokenExpiredError,
  TokenLifetimeError,
  TokenMalformedError,
  TokenNotYetValidError,
  TokenTooLargeError,
  TokenUseMismatchError
} from '../../src/verifier/errors.js'

// One instance of every concrete request-time error, with the code and kind it must carry.
const cases: Array<[ResourceServerError, string, string]> = [
  [new CredentialsMissingError(), 'ERR_CREDENTIALS_MISSING', 'invalid_token'],
  [new MultipleTokensError('m'), 'ERR_MULTIPLE_TOKENS', 'invalid_request'],
  [new AuthorizationMalformedError('m'), 'ERR_AUTHORIZATION_MALFORMED', 'invalid_request'],
  [new TokenTooLargeError('m'), 'ERR_TOKEN_TOO_LARGE', 'invalid_token'],
  [new TokenMalformedError('m'), 'ERR_TOKEN_MALFORMED', 'invalid_token'],
  [new AlgorithmNotAllowedError('m'), 'ERR_ALG_NOT_ALLOWED', 'invalid_token'],
  [new AlgorithmKeyMismatchError('m'), 'ERR_ALG_KEY_MISMATCH', 'invalid_token'],
  [new HeaderInvalidError('kid', 'm'), 'ERR_HEADER_INVALID', 'invalid_token'],
  [new KeyNotFoundError('m'), 'ERR_KEY_NOT_FOUND', 'invalid_token'],
  [new SignatureInvalidError(), 'ERR_SIGNATURE_INVALID', 'invalid_token'],
  [new TokenExpiredError('m'), 'ERR_TOKEN_EXPIRED', 'invalid_token'],
  [new TokenNotYetValidError('nbf', 'm'), 'ERR_TOKEN_NOT_YET_VALID', 'invalid_token'],
  [new TokenLifetimeError('m'), 'ERR_TOKEN_LIFETIME_TOO_LONG', 'invalid_token'],
  [new ClaimInvalidError('sub', 'm'), 'ERR_CLAIM_INVALID', 'invalid_token'],
  [new IssuerMismatchError('m'), 'ERR_ISSUER_MISMATCH', 'invalid_token'],
  [new TokenUseMismatchError('m'), 'ERR_TOKEN_USE_MISMATCH', 'invalid_token'],
  [new ClientIdMismatchError('m'), 'ERR_CLIENT_ID_MISMATCH', 'invalid_token'],
  [new AudienceMismatchError('m'), 'ERR_AUDIENCE_MISMATCH', 'invalid_token'],
  [new ClaimRejectedError(), 'ERR_CLAIM_REJECTED', 'invalid_token'],
  [new InsufficientScopeError(['a'], 'm'), 'ERR_INSUFFICIENT_SCOPE', 'insufficient_scope'],
  [new InsufficientGroupError('m'), 'ERR_INSUFFICIENT_GROUP', 'insufficient_scope'],
  [new JwksUnavailableError('m', 1000), 'ERR_JWKS_UNAVAILABLE', 'unavailable'],
  [new KeyLookupUnavailableError('m', 1000), 'ERR_KEY_LOOKUP_UNAVAILABLE', 'unavailable'],
  [new InsufficientClaimError(['realm_access.roles'], 'm'), 'ERR_INSUFFICIENT_CLAIM', 'insufficient_scope']
]

const ABSTRACT = new Set<unknown>([ResourceServerError, InvalidRequestError, InvalidTokenError, ForbiddenError])

t.test('gives every request-time error its own code, and lists each code exactly once', async (t) => {
  for (const [err, code] of cases) t.equal(err.code, code, `${err.name} has ${code}`)
  const codes = cases.map(([err]) => err.code)
  t.equal(new Set(codes).size, codes.length, 'no two classes share a code')
  t.same([...codes].sort(), [...ERROR_CODES].sort(), 'ERROR_CODES lists exactly the codes in use')
  t.equal(new Set(ERROR_CODES).size, ERROR_CODES.length, 'ERROR_CODES has no duplicate')
})

t.test('covers every exported error class in the table above', async (t) => {
  const tested = new Set(cases.map(([err]) => err.constructor))
  for (const [name, value] of Object.entries(errors)) {
    if (typeof value !== 'function' || !(value.prototype instanceof ResourceServerError)) continue
    t.ok(tested.has(value) || ABSTRACT.has(value), `${name} is tested`)
  }
})

t.test('maps each error onto how an HTTP edge answers it (RFC 6750 §3.1)', async (t) => {
  for (const [err, , kind] of cases) t.equal(err.kind, kind, `${err.name} is ${kind}`)
  for (const [err] of cases) {
    if (err.kind === 'invalid_request') t.ok(err instanceof InvalidRequestError, `${err.name} is an InvalidRequestError`)
    if (err.kind === 'insufficient_scope') t.ok(err instanceof ForbiddenError, `${err.name} is a ForbiddenError`)
  }
  t.ok(new TokenExpiredError('m') instanceof InvalidTokenError)
})

t.test('names each error after its class and keeps it an Error', async (t) => {
  for (const [err] of cases) {
    t.equal(err.name, err.constructor.name)
    t.ok(err instanceof ResourceServerError)
    t.ok(err instanceof Error)
    t.type(err.stack, 'string')
  }
})

t.test('carries the failing member, claim, scopes and retry delay', async (t) => {
  t.equal(new HeaderInvalidError('typ', 'm').member, 'typ')
  t.equal(new ClaimInvalidError('cognito:groups', 'm').claim, 'cognito:groups')
  t.equal(new TokenNotYetValidError('iat', 'm').claim, 'iat')
  t.same(new InsufficientScopeError(['a', 'b'], 'm').scopes, ['a', 'b'])
  t.same(new InsufficientClaimError(['tenant'], 'm').claims, ['tenant'])
  t.equal(new JwksUnavailableError('m', 2000).retryAfterMs, 2000)
  t.ok(new KeyLookupUnavailableError('m', 1000) instanceof JwksUnavailableError, 'a failed key lookup is a JWKS outage: every 503 is one class')
})

t.test('gives a claim rejection a default message that an application may replace', async (t) => {
  t.match(new ClaimRejectedError().message, /rejected by the application/)
  t.equal(new ClaimRejectedError('Tenant suspended.').message, 'Tenant suspended.')
})

t.test('reports a wrong option as a TypeError that names the option', async (t) => {
  const err = new OptionError('jwksTimeoutMs', 'must be an integer')
  t.ok(err instanceof TypeError)
  t.notOk(err instanceof ResourceServerError, 'a configuration error is not a request-time error')
  t.equal(err.code, 'ERR_INVALID_OPTION')
  t.equal(err.option, 'jwksTimeoutMs')
  t.equal(err.name, 'TypeError')
  t.match(err.message, /option "jwksTimeoutMs" must be an integer/)
  t.equal(err.expected, 'must be an integer', 'and what is wrong, on its own')
})
