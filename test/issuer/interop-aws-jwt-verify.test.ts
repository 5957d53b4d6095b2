// aws-jwt-verify, the library AWS publishes for verifying Cognito tokens, accepts our tokens.
import t from 'tap'
import { JwtVerifier } from 'aws-jwt-verify'
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier'
import { SimpleJwksCache } from 'aws-jwt-verify/jwk'
import { CLIENTS, getToken, startIssuer } from '../helpers/issuer-fixtures.js'
import { loopbackFetcher } from '../helpers/issuer-aws-fetcher.js'
import type { IssuerInstance } from '../../src/issuer/server.js'

/** A JwtVerifier for our issuer with Cognito's access-token checks: tokenUse, clientId, scope. */
function cognitoStyleVerifier (app: IssuerInstance, clientId: string, scope: string | string[]) {
  return JwtVerifier.create({
    issuer: app.issuer.urls.issuer,
    jwksUri: app.issuer.urls.jwksUri,
    audience: null, // Cognito access tokens carry client_id, not aud; checked below
    scope,
    customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: 'access', clientId })
  }, { jwksCache: new SimpleJwksCache({ fetcher: loopbackFetcher }) })
}

for (const algorithm of ['RS256', 'ES256', 'EdDSA'] as const) {
  t.test(`JwtVerifier accepts a ${algorithm} token with tokenUse access, the client id and the scope`, async (t) => {
    const app = await startIssuer(t, { algorithm })
    const token = await getToken(app, CLIENTS.poster, 'transactions/post')
    const payload = await cognitoStyleVerifier(app, CLIENTS.poster.clientId, 'transactions/post').verify(token)
    t.match(payload, { token_use: 'access', client_id: CLIENTS.poster.clientId, scope: 'transactions/post', iss: app.issuer.urls.issuer })
  })
}

t.test('JwtVerifier refuses a token for another client or without the scope', async (t) => {
  const app = await startIssuer(t)
  const token = await getToken(app, CLIENTS.poster, 'transactions/post')
  await t.rejects(cognitoStyleVerifier(app, CLIENTS.reader.clientId, 'transactions/post').verify(token), { message: /Client ID not allowed/, failedAssertion: { expected: CLIENTS.reader.clientId } })
  await t.rejects(cognitoStyleVerifier(app, CLIENTS.poster.clientId, 'transactions/get').verify(token), { message: /Scope not allowed/, failedAssertion: { expected: 'transactions/get' } })
})

t.test('JwtVerifier picks up a rotated key by its kid', async (t) => {
  const app = await startIssuer(t)
  const verifier = cognitoStyleVerifier(app, CLIENTS.reader.clientId, ['transactions/get'])
  await t.resolves(verifier.verify(await getToken(app, CLIENTS.reader)))
  await app.issuer.rotateKeys({ publishLeadSeconds: 0 })
  await t.resolves(verifier.verify(await getToken(app, CLIENTS.reader)), 'a token signed by the new key')
})

t.test('the loopback fetcher reaches nothing but loopback http', async (t) => {
  await t.rejects(loopbackFetcher.fetch('https://cognito-idp.eu-west-1.amazonaws.com/x/.well-known/jwks.json'), /only fetches/)
  const app = await startIssuer(t)
  await t.rejects(loopbackFetcher.fetch(app.issuer.urls.jwksUri.replace('jwks.json', 'nope.json')), /answered 404/)
})
