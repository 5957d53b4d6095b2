// oidc-provider, a certified OpenID provider nobody here wrote, on loopback: its RFC 9068 access
// tokens must pass under the rfc9068 profile, and its ID token must never pass as an access token.
import t from 'tap'
import Fastify from 'fastify'
import { decodeProtectedHeader } from 'jose'
import { fastifyResourceServer } from '../../src/index.js'
import { ResourceServerError } from '../../src/verifier/errors.js'
import type { VerifierOptions } from '../../src/verifier/options.js'
import type { ProfileName } from '../../src/verifier/profiles.js'
import { TokenVerifier } from '../../src/verifier/verifier.js'
import { startOidcProvider, type OidcProviderServer, type ProviderAlg } from '../helpers/oidc-provider.js'

async function provider (t: { teardown: (fn: () => unknown) => void }, alg: ProviderAlg = 'RS256'): Promise<OidcProviderServer> {
  const p = await startOidcProvider({ alg })
  t.teardown(p.close)
  return p
}

function strict (p: OidcProviderServer, alg: ProviderAlg = 'RS256', extra: Partial<VerifierOptions> = {}): TokenVerifier {
  // As the README configures it: the keys are found by discovery.
  return new TokenVerifier({ issuer: p.issuer, profile: 'rfc9068', audience: p.resource, algorithms: [alg], ...extra })
}

async function refusal (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (err instanceof ResourceServerError) return err.code
    throw err
  }
  return 'accepted'
}

t.test('its RFC 9068 access tokens pass under the rfc9068 profile, in RS256, PS256, ES256 and EdDSA', async (t) => {
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
    const p = await provider(t, alg)
    const token = await p.clientCredentialsToken('read write')
    t.equal(decodeProtectedHeader(token).typ, 'at+jwt')
    const verified = await strict(p, alg).verify(token)
    t.same([verified.clientId, verified.tokenUse, verified.scopes, verified.groups], [p.clientId, 'access', ['read', 'write'], ['admins']], alg)
    const user = await p.userTokens('alice')
    t.equal((await strict(p, alg).verify(user.accessToken)).sub, 'alice', `${alg}: a user's access token`)
  }
})

t.test('its ID token is refused under every profile that expects access tokens', async (t) => {
  const p = await provider(t)
  const { idToken } = await p.userTokens('alice')
  const base = { issuer: p.issuer, jwksUri: p.jwksUri }
  const profiles: Array<[string, VerifierOptions]> = (['rfc9068', 'auth0', 'okta', 'keycloak', 'entra'] as ProfileName[])
    .map((profile) => [profile, { issuer: p.issuer, profile, audience: p.resource }])
  // The reported hole: the cognito profile with tokenUse null and no audience, the obvious
  // configuration, took the ID token's aud for the client id.
  profiles.push(['cognito, tokenUse null, clientId rp-client', { ...base, tokenUse: null, clientId: p.clientId }])
  profiles.push(['cognito, tokenUse null, clientId null', { ...base, tokenUse: null, clientId: null }])
  profiles.push(['cognito, default tokenUse', { ...base, clientId: p.clientId }])
  for (const [label, options] of profiles) {
    const code = await refusal(new TokenVerifier(options).verify(idToken))
    t.ok(code.startsWith('ERR_') && code !== 'ERR_JWKS_UNAVAILABLE', `${label}: refused as invalid (${code})`)
  }
  t.equal(await refusal(strict(p).verify(idToken)), 'ERR_HEADER_INVALID', 'rfc9068 refuses it for its typ')
  t.equal(await refusal(strict(p).verify(await p.clientCredentialsToken())), 'accepted', 'while the access token passes')
})

t.test('its groups claim satisfies a route\'s groups requirement', async (t) => {
  const p = await provider(t)
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  await app.register(fastifyResourceServer, { issuer: p.issuer, profile: 'rfc9068', audience: p.resource })
  app.get('/admin', { config: { auth: { groups: ['admins'] } } }, async (request) => ({ groups: request.auth?.groups }))
  app.get('/ops', { config: { auth: { groups: ['ops'] } } }, async () => ({}))
  const authorization = `Bearer ${await p.clientCredentialsToken()}`
  const ok = await app.inject({ url: '/admin', headers: { authorization } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { groups: ['admins'] })
  const no = await app.inject({ url: '/ops', headers: { authorization } })
  t.equal(no.statusCode, 403)
  t.equal(no.json().code, 'ERR_INSUFFICIENT_GROUP')
})
