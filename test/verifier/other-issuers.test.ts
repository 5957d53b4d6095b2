// The README's "Other issuers" configurations, as pasted there, against tokens shaped like each
// issuer's (per its documentation), minted with jose and served with discovery on loopback. Each
// issuer's access token passes; its ID token, and a token for another API, do not.
import type { IncomingMessage, ServerResponse } from 'node:http'
import t from 'tap'
import { SignJWT } from 'jose'
import { ResourceServerError } from '../../src/verifier/errors.js'
import type { VerifierOptions } from '../../src/verifier/options.js'
import { checkRequirements, compileRequirements, type Requirements } from '../../src/verifier/requirements.js'
import { TokenVerifier } from '../../src/verifier/verifier.js'
import { startJwksServer, type JwksServer } from '../helpers/jwks-server.js'
import { makeKey, type TestKey } from '../helpers/keys.js'

const key = await makeKey('RS256', 'issuer-key')
const now = Math.floor(Date.now() / 1000)
const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47'

/** A loopback issuer at `path`: discovery under it, keys at /keys. */
async function issuerAt (t: { teardown: (fn: () => unknown) => void }, path: string): Promise<{ server: JwksServer, issuer: string }> {
  const server = await startJwksServer([key.jwk])
  t.teardown(server.close)
  const issuer = `${server.origin}${path}`
  server.handler = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('content-type', 'application/json')
    if (req.url === `${path.replace(/\/$/, '')}/.well-known/openid-configuration`) return res.end(JSON.stringify({ issuer, jwks_uri: `${server.origin}/keys` }))
    if (req.url === '/keys') return res.end(JSON.stringify({ keys: [key.jwk] }))
    res.statusCode = 404
    res.end('{}')
  }
  return { server, issuer }
}

async function mint (claims: Record<string, unknown>, header: Record<string, unknown> = {}, k: TestKey = key): Promise<string> {
  return await new SignJWT({ iat: now, exp: now + 3600, ...claims }).setProtectedHeader({ alg: 'RS256', kid: k.kid, ...header }).sign(k.privateKey)
}

async function outcome (verifier: TokenVerifier, token: string, needs?: Requirements): Promise<string> {
  try {
    const verified = await verifier.verify(token)
    if (needs !== undefined) checkRequirements(verified, compileRequirements('route', needs))
    return 'accepted'
  } catch (err) {
    if (err instanceof ResourceServerError) return err.code
    throw err
  }
}

interface Case {
  readonly name: string
  readonly path: string
  /** The README's configuration, with the issuer swapped for the loopback one. */
  readonly options: (issuer: string, origin: string) => VerifierOptions
  readonly accessToken: (issuer: string) => Promise<string>
  readonly idToken: (issuer: string) => Promise<string>
  readonly needs: Requirements
}

const CASES: Case[] = [
  {
    name: 'Auth0 (default access_token dialect)',
    path: '/',
    options: (issuer) => ({ issuer, profile: 'auth0', audience: 'https://api.example.com' }),
    accessToken: async (iss) => await mint({ iss, sub: 'auth0|abc', aud: ['https://api.example.com', `${iss}userinfo`], azp: 'spa-client', scope: 'openid read:tx', permissions: ['read:tx'] }, { typ: 'JWT' }),
    idToken: async (iss) => await mint({ iss, sub: 'auth0|abc', aud: 'spa-client', azp: 'spa-client', nonce: 'n' }, { typ: 'JWT' }),
    needs: { scopes: ['read:tx'], claims: { permissions: 'read:tx' } }
  },
  {
    name: 'Auth0 (rfc9068_profile dialect)',
    path: '/',
    options: (issuer) => ({ issuer, profile: 'rfc9068', audience: 'https://api.example.com' }),
    accessToken: async (iss) => await mint({ iss, sub: 'auth0|abc', aud: 'https://api.example.com', client_id: 'spa-client', jti: 'j1', scope: 'read:tx' }, { typ: 'at+jwt' }),
    idToken: async (iss) => await mint({ iss, sub: 'auth0|abc', aud: 'spa-client', nonce: 'n' }, { typ: 'JWT' }),
    needs: { scopes: ['read:tx'] }
  },
  {
    name: 'Okta (custom authorization server)',
    path: '/oauth2/default',
    options: (issuer) => ({ issuer, profile: 'okta', audience: 'api://default' }),
    accessToken: async (iss) => await mint({ ver: 1, jti: 'AT.x', iss, aud: 'api://default', sub: 'alice@example.com', cid: '0oa1client', uid: '00u1', scp: ['openid', 'tx.read'], groups: ['Everyone', 'Admins'] }),
    idToken: async (iss) => await mint({ ver: 1, jti: 'ID.x', iss, aud: '0oa1client', sub: '00u1', amr: ['pwd'], idp: '00o1', at_hash: 'h' }),
    needs: { scopes: ['tx.read'], groups: ['Admins'] }
  },
  {
    name: 'Keycloak',
    path: '/realms/acme',
    options: (issuer) => ({ issuer, profile: 'keycloak', audience: 'transactions-api' }),
    accessToken: async (iss) => await mint({ iss, aud: ['transactions-api', 'account'], sub: 'f1e2', typ: 'Bearer', azp: 'web-app', scope: 'openid profile tx', realm_access: { roles: ['admin', 'offline_access'] }, resource_access: { 'transactions-api': { roles: ['writer'] } } }, { typ: 'JWT' }),
    idToken: async (iss) => await mint({ iss, aud: 'web-app', sub: 'f1e2', typ: 'ID', azp: 'web-app', nonce: 'n' }, { typ: 'JWT' }),
    needs: { scopes: ['tx'], claims: { 'realm_access.roles': 'admin', 'resource_access["transactions-api"].roles': 'writer' } }
  },
  {
    name: 'Entra ID (v2 tokens)',
    path: `/${TID}/v2.0`,
    options: (issuer) => ({ issuer, profile: 'entra', audience: '6e74172b-be56-4843-9ff4-e66a39bb12e3' }),
    accessToken: async (iss) => await mint({ iss, aud: '6e74172b-be56-4843-9ff4-e66a39bb12e3', sub: 'pairwise', tid: TID, azp: 'client-guid', azpacr: '1', scp: 'Tx.Read Tx.Write', roles: ['Tx.Admin'], uti: 'u', ver: '2.0' }, { typ: 'JWT' }),
    idToken: async (iss) => await mint({ iss, aud: '6e74172b-be56-4843-9ff4-e66a39bb12e3', sub: 'pairwise', tid: TID, nonce: 'n', ver: '2.0' }, { typ: 'JWT' }),
    needs: { scopes: ['Tx.Read'], claims: { roles: 'Tx.Admin' } }
  },
  {
    name: 'Entra ID (v1 tokens)',
    path: `/${TID}/`,
    options: (issuer, origin) => ({ issuer, jwksUri: `${origin}/keys`, profile: 'entra', audience: ['api://transactions', '6e74172b-be56-4843-9ff4-e66a39bb12e3'] }),
    accessToken: async (iss) => await mint({ iss, aud: 'api://transactions', sub: 'pairwise', tid: TID, appid: 'client-guid', appidacr: '1', scp: 'Tx.Read', ver: '1.0' }, { typ: 'JWT', x5t: 'x' }),
    idToken: async (iss) => await mint({ iss, aud: 'client-guid', sub: 'pairwise', tid: TID, nonce: 'n', ver: '1.0' }, { typ: 'JWT' }),
    needs: { scopes: ['Tx.Read'] }
  }
]

for (const c of CASES) {
  t.test(`${c.name}: the README's configuration takes its access tokens and refuses its ID tokens`, async (t) => {
    const { server, issuer } = await issuerAt(t, c.path)
    const verifier = new TokenVerifier(c.options(issuer, server.origin))
    t.equal(await outcome(verifier, await c.accessToken(issuer), c.needs), 'accepted', 'its access token, with the route requirements of the example')
    const refused = await outcome(verifier, await c.idToken(issuer))
    t.ok(refused.startsWith('ERR_') && refused !== 'ERR_JWKS_UNAVAILABLE', `its ID token is refused as invalid (${refused})`)
    const [header, payload] = (await c.accessToken(issuer)).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>) as [Record<string, unknown>, Record<string, unknown>]
    const forOtherApi = await mint({ ...payload, aud: 'https://other-api.example.com' }, header)
    t.equal(await outcome(verifier, forOtherApi), 'ERR_AUDIENCE_MISMATCH', 'the same token for another API is refused')
  })
}
