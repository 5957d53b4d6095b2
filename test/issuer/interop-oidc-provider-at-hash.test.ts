// oidc-provider, a certified OpenID provider written outside this project, computes at_hash for
// the issuer's own access tokens: the at_hash in the issuer's ID tokens must be the same for every
// algorithm the issuer signs with, EdDSA (Ed25519, hashed with SHA-512) included.
import t from 'tap'
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'
import { CALLBACK, CODE_CLIENTS, logIn, startUserIssuer } from '../helpers/user-flow.js'
import { basic, postToken } from '../helpers/issuer-fixtures.js'
import type { IssuerInstance } from '../../src/issuer/server.js'
import type { KeyAlgorithm } from '../../src/issuer/keys/key-file.js'

/** oidc-provider's at_hash of `accessToken`, from an ID token it signs with `alg`. */
async function providerAtHash (alg: KeyAlgorithm, accessToken: string): Promise<unknown> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  const provider = new Provider('http://127.0.0.1:1', {
    clients: [{ client_id: 'rp', client_secret: 'a-test-secret-of-some-length-000000000000', redirect_uris: ['http://127.0.0.1/cb'], id_token_signed_response_alg: alg }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg, use: 'sig', kid: 'k' }] },
    enabledJWA: { idTokenSigningAlgValues: [alg] },
    ttl: { IdToken: 3600 }
  } as ConstructorParameters<typeof Provider>[1])
  const idToken = new provider.IdToken({ sub: 'any' }, { client: await provider.Client.find('rp') })
  idToken.set('at_hash', accessToken)
  return decodeJwt(await idToken.issue({ use: 'idtoken' })).at_hash
}

async function userTokens (app: IssuerInstance): Promise<{ access_token: string, id_token: string }> {
  const { code } = await logIn(app, { client_id: CODE_CLIENTS.web.clientId, scope: 'openid' })
  const answer = await postToken(app.issuer.urls.tokenEndpoint, {
    form: { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
    authorization: basic(CODE_CLIENTS.web.clientId, CODE_CLIENTS.web.secret)
  })
  return answer.body
}

for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
  t.test(`the at_hash of ID tokens signed ${alg} is the one oidc-provider computes`, async (t) => {
    // EdDSA is the issuer's default algorithm only; the others are a client's choice.
    const app = alg === 'EdDSA'
      ? await startUserIssuer(t, { algorithm: 'EdDSA' })
      : await startUserIssuer(t, { clients: { web: { signingAlgorithm: alg } } })
    const tokens = await userTokens(app)
    t.equal(decodeProtectedHeader(tokens.id_token).alg, alg)
    t.equal(decodeJwt(tokens.id_token).at_hash, await providerAtHash(alg, tokens.access_token))
  })
}
