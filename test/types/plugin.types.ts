// Compile-only type tests: `npm run typecheck` fails if the public types drift. Never executed.
import Fastify from 'fastify'
import resourceServer, { cognitoUserPools, redactLogMessage, redactUrl, serializers, type OAuth2SecurityScheme, type OpenApiOptions, type ResourceServerOptions, type VerifiedToken } from '../../src/index.js'

const app = Fastify()
const options: ResourceServerOptions = { userPoolId: 'eu-west-1_AbC123', clientId: ['a', 'b'], tokenUse: 'access', realm: 'api' }
void app.register(resourceServer, options)

app.get('/typed', { config: { auth: { scopes: ['transactions/get'], anyGroups: ['ops'], tokenUse: 'access', optional: true } } }, async (request) => {
  const auth: VerifiedToken | null = request.auth
  if (auth === null) return null
  const sub: string = auth.sub
  const scopes: readonly string[] = auth.scopes
  const groups: readonly string[] = auth.groups
  const clientId: string | undefined = auth.clientId
  const username: string | undefined = auth.username
  const tokenUse: 'access' | 'id' | undefined = auth.tokenUse
  const exp: number = auth.claims.exp
  const custom: unknown = auth.claims['custom:tenant']
  const has: boolean = auth.hasScope('transactions/get')
  return { sub, scopes, groups, clientId, username, tokenUse, exp, custom, has }
})

app.get('/public', { config: { auth: false } }, async () => 'ok')
app.get('/claims', { config: { auth: { claims: { 'realm_access.roles': 'admin', level: 3, email_verified: true }, anyClaims: { permissions: ['a', 'b'] } } } }, async () => 'ok')
app.get('/claims-hook', { preHandler: app.authorize({ claims: { '["https://example.com/roles"]': ['editor'] } }) }, async () => 'ok')
// @ts-expect-error a claim value is a string, number or boolean
app.get('/wrong-claim', { config: { auth: { claims: { tenant: null } } } }, async () => 'no')
app.get('/hooks', { preHandler: app.requireScopes('a/b', 'c/d'), onRequest: app.authorize({ anyScopes: ['x/y'] }) }, async () => 'ok')

// @ts-expect-error tokenUse is 'access' or 'id'
app.get('/wrong-use', { config: { auth: { tokenUse: 'refresh' } } }, async () => 'no')
// @ts-expect-error scopes are strings
app.get('/wrong-scopes', { config: { auth: { scopes: [1] } } }, async () => 'no')
// @ts-expect-error request.auth is read-only to handlers in spirit, but never a string
app.get('/wrong-auth', async (request) => { const s: string = request.auth; return s })
// @ts-expect-error an unknown algorithm
const badAlg: ResourceServerOptions = { issuer: 'https://x', clientId: null, algorithms: ['HS256'] }
void badAlg

// The logging helpers fit Fastify's logger options as the README shows them.
const logged = Fastify({ logger: { serializers, hooks: { logMethod: redactLogMessage } } })
void logged.register(resourceServer, options)
const redacted: string = redactUrl('/x?code=1')
void redacted

const openapi: OpenApiOptions = { cognitoDomain: 'my-app', authorizationUrl: null, scopes: { 'transactions/get': 'Read transactions' } }
void app.register(resourceServer, { ...options, openapi })
const schemes: Record<string, OAuth2SecurityScheme> = app.openapiSecuritySchemes
const tokenUrl: string | undefined = schemes.oauth2?.flows.clientCredentials.tokenUrl
void tokenUrl
// @ts-expect-error authorizationUrl is a URL string or null
const badOpenApi: OpenApiOptions = { tokenUrl: 'https://x', authorizationUrl: 1 }
void badOpenApi

// Other issuers and many tenants.
const rfc9068: ResourceServerOptions = { issuer: 'https://op.example.com', profile: 'rfc9068', audience: 'https://api.example.com' }
const several: ResourceServerOptions = { issuers: ['https://a.example.com', { issuer: 'https://b.example.com/', profile: 'auth0' }], audience: 'urn:api', profile: 'okta' }
const mapped: ResourceServerOptions = { issuer: 'https://x.example.com', audience: 'urn:api', profile: { typ: ['JWT', null], clientIdClaim: ['azp', 'appid'], scopeClaim: 'scp', requiredClaims: { ver: '2.0' } } }
const tenants: ResourceServerOptions = { trustIssuer: cognitoUserPools(['eu-west-1_AbC123']), clientId: null, issuerCacheMaxEntries: 500 }
const local: ResourceServerOptions = { issuer: 'http://cognito-local:9229/local_pool', clientId: null, allowInsecureHttpHosts: ['cognito-local'], maxRsaKeyBits: 4096 }
const dynamic: ResourceServerOptions = { trustIssuer: (iss: string) => iss.startsWith('https://') ? { issuer: iss, profile: 'keycloak' } : undefined, audience: 'api', profile: 'keycloak' }
void [rfc9068, several, mapped, tenants, local, dynamic]
app.get('/rfc9068-auth', async (request) => { const roles: readonly string[] = request.auth?.roles ?? []; const entitlements: readonly string[] = request.auth?.entitlements ?? []; return { roles, entitlements } })
// @ts-expect-error issuer takes one issuer; a list goes under issuers
const list: ResourceServerOptions = { issuer: ['https://a.example.com'], clientId: null }
// @ts-expect-error an unknown profile name
const badProfile: ResourceServerOptions = { issuer: 'https://x', audience: 'a', profile: 'generic' }
void [list, badProfile]
