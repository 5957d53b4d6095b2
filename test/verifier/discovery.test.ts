import type { IncomingMessage, ServerResponse } from 'node:http'
import t from 'tap'
import { discoveryUrls, IssuerMetadata } from '../../src/verifier/discovery.js'
import { JwksUnavailableError } from '../../src/verifier/errors.js'
import { JwksFetchError } from '../../src/verifier/jwks-fetch.js'
import { TokenVerifier } from '../../src/verifier/verifier.js'
import { rejectsWith } from '../helpers/assert.js'
import { manualClock, startJwksServer, type JwksServer } from '../helpers/jwks-server.js'
import { accessClaims, makeKey, NOW_S, sign } from '../helpers/keys.js'

const key = await makeKey('RS256', 'k1')
const API = 'https://api.example.com'

/** A loopback issuer serving metadata at `metadataPath` (its `issuer` and `jwks_uri` overridable) and keys at /keys. */
async function issuerServer (t: { teardown: (fn: () => unknown) => void }, metadata: (s: JwksServer) => Record<string, unknown> = (s) => ({ issuer: s.issuer, jwks_uri: `${s.origin}/keys` }), metadataPath = '/local_pool/.well-known/openid-configuration'): Promise<JwksServer> {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  s.handler = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('content-type', 'application/json')
    if (req.url === metadataPath) return res.end(JSON.stringify(metadata(s)))
    if (req.url === '/keys') return res.end(JSON.stringify({ keys: s.keys }))
    res.statusCode = 404
    res.end('{}')
  }
  return s
}

const options = (clock = manualClock(NOW_S * 1000)) => ({ timeoutMs: 1000, maxBytes: 65_536, maxAgeMs: 600_000, insecureHttpHosts: new Set<string>(), clock: clock.now })
const rfc9068Token = async (issuer: string, overrides: Record<string, unknown> = {}): Promise<string> =>
  await sign(key, { ...accessClaims(issuer, { aud: API, jti: 'j', token_use: undefined }), ...overrides }, { typ: 'at+jwt' })

t.test('tries openid-configuration under the issuer, then RFC 8414\'s path-inserted URL', async (t) => {
  t.same(discoveryUrls('https://id.example.com/realms/acme'), ['https://id.example.com/realms/acme/.well-known/openid-configuration', 'https://id.example.com/.well-known/oauth-authorization-server/realms/acme'])
  t.same(discoveryUrls('https://tenant.auth0.com/'), ['https://tenant.auth0.com/.well-known/openid-configuration', 'https://tenant.auth0.com/.well-known/oauth-authorization-server'])
})

t.test('a non-Cognito issuer without jwksUri finds its keys by discovery', async (t) => {
  const s = await issuerServer(t)
  const verifier = new TokenVerifier({ issuer: s.issuer, profile: 'rfc9068', audience: API, clock: () => NOW_S * 1000 })
  t.equal(verifier.options.issuers.get(s.issuer)?.jwksUri, null)
  t.equal((await verifier.verify(await rfc9068Token(s.issuer))).sub, 'client-abc')
  t.same(s.requests.map((r) => r.url), ['/local_pool/.well-known/openid-configuration', '/keys'])
  t.equal(s.requests[0]?.headers.accept, 'application/json')
  const cognito = new TokenVerifier({ issuer: s.issuer, clientId: null })
  t.equal(cognito.options.issuers.get(s.issuer)?.jwksUri, `${s.issuer}/.well-known/jwks.json`, 'the cognito profile keeps the known URL')
})

t.test('falls back to the RFC 8414 document when openid-configuration is not found', async (t) => {
  const s = await issuerServer(t, undefined, '/.well-known/oauth-authorization-server/local_pool')
  const metadata = new IssuerMetadata(s.issuer, options())
  t.equal(await metadata.jwksUri(), `${s.origin}/keys`)
  t.equal(metadata.fetchCount, 2)
})

t.test('requires the document\'s issuer to equal the configured one exactly (RFC 8414 §3.3)', async (t) => {
  for (const issuer of [(s: JwksServer) => `${s.issuer}/${'x'.repeat(200)}`, (s: JwksServer) => `${s.issuer}/`, (s: JwksServer) => s.issuer.toUpperCase(), () => 'https://attacker.example', () => undefined]) {
    const s = await issuerServer(t, (srv) => ({ issuer: issuer(srv), jwks_uri: `${srv.origin}/keys` }))
    const err = await rejectsWith(t, new IssuerMetadata(s.issuer, options()).jwksUri(), JwksFetchError)
    t.match(err.message, /issuer/)
    t.same(s.requests.map((r) => r.url), ['/local_pool/.well-known/openid-configuration'], 'no key is fetched from it')
  }
})

t.test('requires jwks_uri to be an https (or loopback) URL without credentials or fragment', async (t) => {
  for (const [jwksUri, pattern] of [
    [undefined, /no "jwks_uri"/], [42, /no "jwks_uri"/], ['/keys', /not an absolute URL/],
    ['http://keys.example.com/jwks', /not https/], ['https://u:p@keys.example.com/jwks', /credentials/], ['https://keys.example.com/jwks#x', /fragment/], ['ftp://keys.example.com/jwks', /not https/]
  ] as const) {
    const s = await issuerServer(t, (srv) => ({ issuer: srv.issuer, jwks_uri: jwksUri }))
    const err = await rejectsWith(t, new IssuerMetadata(s.issuer, options()).jwksUri(), JwksFetchError, undefined, String(jwksUri))
    t.match(err.message, pattern)
  }
  const s = await issuerServer(t, (srv) => ({ issuer: srv.issuer, jwks_uri: 'http://keys.internal/jwks' }))
  t.equal(await new IssuerMetadata(s.issuer, { ...options(), insecureHttpHosts: new Set(['keys.internal']) }).jwksUri(), 'http://keys.internal/jwks', 'allowInsecureHttpHosts applies to jwks_uri too')
})

t.test('fetches the document with the JWKS\'s safety: no redirect followed, size cap, JSON only', async (t) => {
  const s = await issuerServer(t)
  s.handler = (_req, res) => { res.statusCode = 302; res.setHeader('location', `${s.origin}/elsewhere`); res.end() }
  t.match((await rejectsWith(t, new IssuerMetadata(s.issuer, options()).jwksUri(), JwksFetchError)).message, /metadata endpoint answered HTTP 302 \(redirects are not followed\)/)
  s.handler = (_req, res) => { res.end(JSON.stringify({ issuer: s.issuer, jwks_uri: `${s.origin}/keys`, pad: 'x'.repeat(70_000) })) }
  t.match((await rejectsWith(t, new IssuerMetadata(s.issuer, options()).jwksUri(), JwksFetchError)).message, /cap/)
  s.handler = (_req, res) => { res.end('<html>') }
  t.match((await rejectsWith(t, new IssuerMetadata(s.issuer, options()).jwksUri(), JwksFetchError)).message, /not JSON/)
  s.handler = (_req, res) => { res.end('null') }
  t.match((await rejectsWith(t, new IssuerMetadata(s.issuer, options()).jwksUri(), JwksFetchError)).message, /no "issuer"/)
})

t.test('caches the document for the max age, then refreshes it, keeping the last good one while that fails', async (t) => {
  const s = await issuerServer(t)
  const clock = manualClock(NOW_S * 1000)
  const metadata = new IssuerMetadata(s.issuer, options(clock))
  await metadata.jwksUri()
  clock.advance(599_999)
  await metadata.jwksUri()
  t.equal(metadata.fetchCount, 1, 'cached within the max age')
  clock.advance(1)
  await metadata.jwksUri()
  t.equal(metadata.fetchCount, 2, 'fetched again at the max age')
  clock.advance(600_000)
  s.handler = (_req, res) => { res.statusCode = 500; res.end() }
  t.equal(await metadata.jwksUri(), `${s.origin}/keys`, 'a failed refresh keeps the last good jwks_uri')
})

t.test('an issuer whose metadata cannot be read gets 503, and its keys are never guessed', async (t) => {
  const s = await issuerServer(t, (srv) => ({ issuer: 'https://attacker.example', jwks_uri: `${srv.origin}/keys` }))
  const verifier = new TokenVerifier({ issuer: s.issuer, profile: 'rfc9068', audience: API, clock: () => NOW_S * 1000 })
  const err = await rejectsWith(t, verifier.verify(await rfc9068Token(s.issuer)), JwksUnavailableError, 'ERR_JWKS_UNAVAILABLE')
  t.match(err.message, /RFC 8414 §3.3/)
  t.notOk(s.requests.some((r) => r.url === '/keys'))
})
