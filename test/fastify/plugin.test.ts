import t from 'tap'
import Fastify from 'fastify'
import { base64url } from 'jose'
import { createHmac } from 'node:crypto'
import { ClaimRejectedError, fastifyResourceServer, InsufficientScopeError, JwksUnavailableError, TokenVerifier } from '../../src/index.js'
import { accessClaims, makeKey, rawToken, sign } from '../helpers/keys.js'
import { bearer, harness } from '../helpers/fastify-app.js'

t.test('a valid token reaches the handler with request.auth filled', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const res = await h.app.inject({ url: '/transactions', headers: bearer(await h.token()) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { sub: 'client-abc', scopes: ['transactions/get', 'transactions/post'] })
})

t.test('a token without the route scope gets 403 insufficient_scope', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const res = await h.app.inject({ method: 'POST', url: '/transactions', headers: bearer(await h.token({ scope: 'transactions/get' })) })
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'ERR_INSUFFICIENT_SCOPE')
  t.match(res.headers['www-authenticate'], /^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="transactions\/post"$/)
})

t.test('bad tokens get 401 invalid_token, never a 500', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const other = await makeKey('RS256', h.key.kid)
  const hsKey = Buffer.from(JSON.stringify(h.key.jwk))
  const hsHeader = base64url.encode(JSON.stringify({ alg: 'HS256', kid: h.key.kid }))
  const hsPayload = base64url.encode(JSON.stringify(accessClaims(h.jwks.issuer)))
  const hsSig = createHmac('sha256', hsKey).update(`${hsHeader}.${hsPayload}`).digest('base64url')
  const cases: Record<string, [string, string]> = {
    expired: [await h.token({ exp: 1_800_000_000 - 10, iat: 1_800_000_000 - 3610 }), 'ERR_TOKEN_EXPIRED'],
    'bad signature': [await sign(other, accessClaims(h.jwks.issuer)), 'ERR_SIGNATURE_INVALID'],
    'alg none': [rawToken({ alg: 'none', kid: h.key.kid }, accessClaims(h.jwks.issuer), ''), 'ERR_TOKEN_MALFORMED'],
    'alg none with a signature': [rawToken({ alg: 'none', kid: h.key.kid }, accessClaims(h.jwks.issuer)), 'ERR_ALG_NOT_ALLOWED'],
    'HS256 keyed with the public key': [`${hsHeader}.${hsPayload}.${hsSig}`, 'ERR_ALG_NOT_ALLOWED'],
    'wrong iss': [await h.token({ iss: 'https://evil.example.com/pool' }), 'ERR_ISSUER_MISMATCH'],
    'token_use id': [await h.token({ token_use: 'id' }), 'ERR_TOKEN_USE_MISMATCH'],
    'not a JWT': ['abc.def', 'ERR_TOKEN_MALFORMED'],
    garbage: ['////', 'ERR_TOKEN_MALFORMED'],
    'wrong client': [await h.token({ client_id: 'someone-else' }), 'ERR_CLIENT_ID_MISMATCH'],
    'unknown kid': [await h.token({}, { kid: 'nope' }), 'ERR_KEY_NOT_FOUND']
  }
  for (const [name, [token, code]] of Object.entries(cases)) {
    const res = await h.app.inject({ url: '/transactions', headers: bearer(token) })
    t.equal(res.statusCode, 401, name)
    t.equal(res.json().code, code, name)
    t.match(res.headers['www-authenticate'], /^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/, name)
    t.notOk(res.body.includes(token), `${name}: the body never echoes the token`)
    t.notOk(String(res.headers['www-authenticate']).includes(token), `${name}: the challenge never echoes the token`)
  }
})

t.test('every refusal logs one line with its code and never the token', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const token = await h.token({ scope: 'transactions/get' })
  await h.app.inject({ method: 'POST', url: '/transactions', headers: bearer(token) })
  const refusals = h.logs.filter((l) => l.msg === 'bearer token refused')
  t.equal(refusals.length, 1)
  t.equal(refusals[0]?.code, 'ERR_INSUFFICIENT_SCOPE')
  t.notOk(JSON.stringify(h.logs).includes(token.split('.')[2] as string), 'no log line holds the token')
})

t.test('no credentials get 401 with a bare Bearer challenge', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }]) {
    const res = await h.app.inject({ url: '/transactions', headers })
    t.equal(res.statusCode, 401)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="api"')
    t.same(res.json(), { statusCode: 401, code: 'ERR_CREDENTIALS_MISSING', error: 'Unauthorized', message: 'This resource requires a bearer token in the Authorization header.' })
  }
})

t.test('a cold cache with the issuer down gets 503 with Retry-After', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  h.jwks.handler = (_req, res) => { res.statusCode = 500; res.end() }
  const res = await h.app.inject({ url: '/transactions', headers: bearer(await h.token()) })
  t.equal(res.statusCode, 503)
  t.equal(res.json().code, 'ERR_JWKS_UNAVAILABLE')
  t.equal(res.headers['www-authenticate'], undefined)
  t.ok(Number(res.headers['retry-after']) >= 1)
})

t.test('a token whose new key cannot be looked up while the JWKS is down gets 503 with Retry-After, not 401', async (t) => {
  const h = await harness({ jwksCooldownMs: 30_000 })
  t.teardown(h.close)
  t.equal((await h.app.inject({ url: '/transactions', headers: bearer(await h.token()) })).statusCode, 200)
  h.jwks.handler = (_req, res) => { res.statusCode = 502; res.end() }
  h.clock.advance(30_000)
  const res = await h.app.inject({ url: '/transactions', headers: bearer(await h.token({}, { kid: 'rotated-in' })) })
  t.equal(res.statusCode, 503)
  t.equal(res.json().code, 'ERR_KEY_LOOKUP_UNAVAILABLE')
  t.equal(res.headers['www-authenticate'], undefined, 'the token is not known to be bad')
  t.equal(res.headers['retry-after'], '1')
})

t.test('with the JWKS down and the cache warm, valid tokens still get 200', async (t) => {
  const h = await harness({ jwksMaxAgeMs: 60_000 })
  t.teardown(h.close)
  t.equal((await h.app.inject({ url: '/transactions', headers: bearer(await h.token()) })).statusCode, 200)
  h.jwks.handler = (_req, res) => { res.statusCode = 503; res.end() }
  h.clock.advance(120_000)
  const fresh = await h.token({ jti: 'another' })
  t.equal((await h.app.inject({ url: '/transactions', headers: bearer(fresh) })).statusCode, 200)
})

t.test('100 concurrent requests on a cold cache make exactly one JWKS fetch', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const tokens = await Promise.all(Array.from({ length: 100 }, async (_, i) => await h.token({ jti: `t${i}` })))
  const replies = await Promise.all(tokens.map(async (tk) => await h.app.inject({ url: '/transactions', headers: bearer(tk) })))
  t.ok(replies.every((r) => r.statusCode === 200))
  t.equal(h.jwks.requests.length, 1)
})

t.test('1,000 random unknown kids make at most one fetch per cooldown', async (t) => {
  const h = await harness({ jwksCooldownMs: 30_000 })
  t.teardown(h.close)
  t.equal((await h.app.inject({ url: '/transactions', headers: bearer(await h.token()) })).statusCode, 200)
  const forged = await Promise.all(Array.from({ length: 1000 }, async (_, i) => await h.token({}, { kid: `random-${i}` })))
  h.clock.advance(30_000)
  const replies = await Promise.all(forged.map(async (tk) => await h.app.inject({ url: '/transactions', headers: bearer(tk) })))
  t.ok(replies.every((r) => r.statusCode === 401 && r.json().code === 'ERR_KEY_NOT_FOUND'))
  t.equal(h.jwks.requests.length, 2, 'the first fetch, and one refetch after the cooldown')
})

t.test('routes can opt out, or make the token optional', async (t) => {
  const h = await harness({}, (app) => {
    app.get('/health', { config: { auth: false } }, async (request) => ({ auth: request.auth }))
    app.get('/maybe', { config: { auth: { optional: true } } }, async (request) => ({ sub: request.auth?.sub ?? null }))
  })
  t.teardown(h.close)
  t.same((await h.app.inject('/health')).json(), { auth: null })
  t.same((await h.app.inject('/maybe')).json(), { sub: null })
  t.same((await h.app.inject({ url: '/maybe', headers: bearer(await h.token()) })).json(), { sub: 'client-abc' })
  t.equal((await h.app.inject({ url: '/maybe', headers: bearer('x.y.z') })).statusCode, 401, 'a bad token on an optional route is still refused')
})

t.test('routes require any-of scopes, groups and token_use', async (t) => {
  const h = await harness({ tokenUse: null }, (app) => {
    app.get('/any', { config: { auth: { anyScopes: ['a/x', 'transactions/get'] } } }, async () => 'ok')
    app.get('/none', { config: { auth: { anyScopes: ['a/x', 'a/y'] } } }, async () => 'ok')
    app.get('/admins', { config: { auth: { groups: ['admin'] } } }, async () => 'ok')
    app.get('/ops', { config: { auth: { anyGroups: ['ops', 'admin'] } } }, async () => 'ok')
    app.get('/id-only', { config: { auth: { tokenUse: 'id' } } }, async () => 'ok')
  })
  t.teardown(h.close)
  const plain = bearer(await h.token())
  const admin = bearer(await h.token({ 'cognito:groups': ['admin'] }))
  t.equal((await h.app.inject({ url: '/any', headers: plain })).statusCode, 200)
  const none = await h.app.inject({ url: '/none', headers: plain })
  t.equal(none.statusCode, 403)
  t.match(none.headers['www-authenticate'], /scope="a\/x a\/y"$/)
  t.equal((await h.app.inject({ url: '/admins', headers: plain })).json().code, 'ERR_INSUFFICIENT_GROUP')
  t.equal((await h.app.inject({ url: '/admins', headers: admin })).statusCode, 200)
  t.equal((await h.app.inject({ url: '/ops', headers: plain })).statusCode, 403)
  t.equal((await h.app.inject({ url: '/ops', headers: admin })).statusCode, 200)
  const wrongUse = await h.app.inject({ url: '/id-only', headers: plain })
  t.equal(wrongUse.statusCode, 401)
  t.equal(wrongUse.json().code, 'ERR_TOKEN_USE_MISMATCH')
})

t.test('requireScopes and authorize work as onRequest and preHandler hooks', async (t) => {
  const h = await harness({}, (app) => {
    app.get('/pre', { preHandler: app.requireScopes('transactions/post') }, async () => 'ok')
    app.get('/public-but-scoped', { config: { auth: false }, onRequest: app.authorize({ scopes: 'transactions/get' }) }, async (r) => r.auth?.sub)
  })
  t.teardown(h.close)
  const getOnly = bearer(await h.token({ scope: 'transactions/get' }))
  const both = bearer(await h.token())
  t.equal((await h.app.inject({ url: '/pre', headers: getOnly })).statusCode, 403)
  t.equal((await h.app.inject({ url: '/pre', headers: both })).statusCode, 200)
  t.equal((await h.app.inject({ url: '/public-but-scoped' })).statusCode, 401, 'the hook authenticates when the route did not')
  t.equal((await h.app.inject({ url: '/public-but-scoped', headers: getOnly })).body, 'client-abc')
  t.throws(() => h.app.requireScopes(), { code: 'ERR_INVALID_OPTION' })
  t.throws(() => h.app.requireScopes('bad scope'), TypeError)
})

t.test('the validate hook can refuse a verified token', async (t) => {
  const h = await harness({
    validate: async (token, request) => {
      if (request.headers['x-boom'] !== undefined) throw new Error('database down')
      return token.claims.jti !== 'revoked'
    }
  })
  t.teardown(h.close)
  const ok = await h.app.inject({ url: '/transactions', headers: bearer(await h.token()) })
  t.equal(ok.statusCode, 200)
  const revoked = await h.app.inject({ url: '/transactions', headers: bearer(await h.token({ jti: 'revoked' })) })
  t.equal(revoked.statusCode, 401)
  t.equal(revoked.json().code, 'ERR_CLAIM_REJECTED')
  const boom = await h.app.inject({ url: '/transactions', headers: { ...bearer(await h.token()), 'x-boom': '1' } })
  t.equal(boom.statusCode, 500, 'an error of the application\'s own goes to Fastify\'s error handler')
})

t.test('a ResourceServerError thrown by validate refuses with its own status and code', async (t) => {
  const h = await harness({
    validate: async (_token, request) => {
      const outcome = request.headers['x-outcome']
      if (outcome === 'suspended') throw new ClaimRejectedError('Tenant suspended.')
      if (outcome === 'scope') throw new InsufficientScopeError(['tenant/admin'], 'The tenant requires tenant/admin.')
      if (outcome === 'down') throw new JwksUnavailableError('The tenant directory is down.', 2000)
      return true
    }
  })
  t.teardown(h.close)
  const call = async (outcome: string): Promise<Awaited<ReturnType<typeof h.app.inject>>> => await h.app.inject({ url: '/transactions', headers: { ...bearer(await h.token()), 'x-outcome': outcome } })
  const suspended = await call('suspended')
  t.same([suspended.statusCode, suspended.json().code, suspended.json().message], [401, 'ERR_CLAIM_REJECTED', 'Tenant suspended.'])
  t.match(suspended.headers['www-authenticate'], /error="invalid_token"/)
  const scope = await call('scope')
  t.same([scope.statusCode, scope.json().code], [403, 'ERR_INSUFFICIENT_SCOPE'])
  t.match(scope.headers['www-authenticate'], /error="insufficient_scope", .*scope="tenant\/admin"$/)
  const down = await call('down')
  t.same([down.statusCode, down.json().code, down.headers['retry-after']], [503, 'ERR_JWKS_UNAVAILABLE', '2'])
  t.equal((await call('none')).statusCode, 200)
})

t.test('a misconfigured option throws a TypeError naming it, and the value, at registration', async (t) => {
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ issuer: 'https://issuer.example.com' }, 'clientId', /is required/],
    [{ issuer: 'http://issuer.example.com', clientId: null }, 'issuer', /\(got "http:\/\/issuer\.example\.com"\)/],
    [{ issuer: 'https://issuer.example.com', clientId: null, realm: 'a"b' }, 'realm', /\(got "a\\"b"\)$/],
    [{ issuer: 'https://issuer.example.com', clientId: null, validate: 1 }, 'validate', /\(got 1\)$/],
    [{ issuer: 'https://issuer.example.com', clientId: null, prefetchJwks: 'yes' }, 'prefetchJwks', /\(got "yes"\)$/],
    [{ issuer: 'https://issuer.example.com', clientId: null, refusalLogLevel: 'loud' }, 'refusalLogLevel', /\(got "loud"\)$/],
    [{ verifier: {} }, 'verifier', /\(got an object\)$/],
    [{ verifier: new TokenVerifier({ issuer: 'https://issuer.example.com', clientId: null }), clientId: 'x' }, 'clientId', /beside "verifier"/],
    [{ issuer: 'https://issuer.example.com', clientId: null, clientID: 'typo' }, 'clientID', /is not a known option/]
  ]
  for (const [options, option, message] of cases) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(fastifyResourceServer, options as any).ready() }, { name: 'TypeError', code: 'ERR_INVALID_OPTION', option, message }, option)
    await app.close()
  }
})

t.test('an option passed as undefined is one left out, in the plugin and in route config', async (t) => {
  const verifier = new TokenVerifier({ issuer: 'https://issuer.example.com', clientId: null })
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  await app.register(fastifyResourceServer, { verifier, clientId: undefined, audience: undefined, realm: undefined, validate: undefined, openapi: undefined } as any)
  app.get('/x', { config: { auth: { scopes: undefined, groups: undefined, optional: undefined, scope: undefined } as any } }, async () => 'x')
  await app.ready()
  t.equal(app.tokenVerifier, verifier)
  t.equal((await app.inject({ url: '/x' })).statusCode, 401, 'the route still requires a token')
})

t.test('a misconfigured route throws a TypeError naming it, and the value, when declared', async (t) => {
  const cases: Array<[unknown, string, RegExp]> = [
    ['yes', 'config.auth', /\(got "yes"\), on the route GET \/x$/],
    [{ optional: 'no' }, 'config.auth.optional', /\(got "no"\), on the route GET \/x$/],
    [{ scopes: ['ok', 'not ok'] }, 'config.auth.scopes', /\(got "not ok"\), on the route GET \/x$/],
    [{ scope: ['typo'] }, 'config.auth.scope', /is not a known requirement .*\(got an array\), on the route GET \/x$/]
  ]
  for (const [auth, option, message] of cases) {
    const app = Fastify()
    await app.register(fastifyResourceServer, { issuer: 'https://issuer.example.com', clientId: null })
    t.throws(() => app.get('/x', { config: { auth: auth as any } }, async () => 'x'), { name: 'TypeError', option, message }, option)
    await app.close()
  }
})

t.test('a route declared before the plugin with a bad config.auth fails ready(), naming the route and the value', async (t) => {
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  app.post('/early', { config: { auth: { scope: ['transactions/post'] } as any } }, async () => 'never')
  await app.register(fastifyResourceServer, { issuer: 'https://issuer.example.com', clientId: null })
  await t.rejects(async () => { await app.ready() }, {
    name: 'TypeError',
    code: 'ERR_INVALID_OPTION',
    option: 'config.auth.scope',
    message: /option "config\.auth\.scope" is not a known requirement .*\(got an array\), on the route POST \/early$/
  })
})

t.test('so does a route declared right after a register() that was not awaited, since the plugin loads later', async (t) => {
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  void app.register(fastifyResourceServer, { issuer: 'https://issuer.example.com', clientId: null })
  app.route({ method: ['POST', 'PUT'], url: '/later', config: { auth: { optional: 'yes' } as any }, handler: async () => 'never' })
  await t.rejects(async () => { await app.ready() }, { option: 'config.auth.optional', message: /\(got "yes"\), on the route POST,PUT \/later$/ })
})

t.test('so does one in a child context registered before the plugin, which the plugin guards too', async (t) => {
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  app.register(async (child) => { child.get('/child', { config: { auth: { anyScopes: [] } } }, async () => 'never') }, { prefix: '/v1' })
  await app.register(fastifyResourceServer, { issuer: 'https://issuer.example.com', clientId: null })
  await t.rejects(async () => { await app.ready() }, { option: 'config.auth.anyScopes', message: /, on the route GET \/v1\/child$/ })
})

t.test('routes declared before the plugin, in its context or a child one, are protected with their config.auth', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  // A sibling of the plugin's context: the plugin neither guards nor checks its routes.
  app.register(async (other) => { other.get('/elsewhere', { config: { auth: 'not this plugin\'s' as any } }, async () => 'open') })
  app.register(async (api) => {
    api.get('/health', { config: { auth: false } }, async () => 'ok')
    api.post('/early', { config: { auth: { scopes: ['transactions/admin'] } } }, async () => 'posted')
    api.get('/plain', async (request) => request.auth?.sub)
    api.register(async (child) => { child.get('/child', async () => 'child') })
    await api.register(fastifyResourceServer, { issuer: h.jwks.issuer, clientId: 'client-abc', clock: h.clock.now })
  })
  await app.ready()
  t.equal((await app.inject('/elsewhere')).body, 'open', 'the sibling is left alone')
  t.equal((await app.inject('/health')).body, 'ok', 'auth: false is public')
  t.equal((await app.inject('/plain')).statusCode, 401, 'no config.auth needs a token')
  t.equal((await app.inject('/child')).statusCode, 401, 'in a child context too')
  t.equal((await app.inject({ url: '/plain', headers: bearer(await h.token()) })).body, 'client-abc')
  t.equal((await app.inject({ method: 'POST', url: '/early', headers: bearer(await h.token()) })).json().code, 'ERR_INSUFFICIENT_SCOPE', 'config.auth applies')
  t.equal((await app.inject({ method: 'POST', url: '/early', headers: bearer(await h.token({ scope: 'transactions/admin' })) })).body, 'posted')
})

t.test('a shared verifier serves several plugin instances', async (t) => {
  const key = await makeKey()
  const { startJwksServer } = await import('../helpers/jwks-server.js')
  const jwks = await startJwksServer([key.jwk])
  const verifier = new TokenVerifier({ issuer: jwks.issuer, clientId: null, clock: () => 1_800_000_001_000 })
  const app = Fastify()
  app.register(async (a) => { await a.register(fastifyResourceServer, { verifier }); a.get('/a', async () => 'a') })
  app.register(async (b) => { await b.register(fastifyResourceServer, { verifier, realm: 'b' }); b.get('/b', async () => 'b') })
  t.teardown(async () => { await app.close(); await jwks.close() })
  const token = await sign(key, accessClaims(jwks.issuer))
  t.equal((await app.inject({ url: '/a', headers: bearer(token) })).body, 'a')
  t.equal((await app.inject({ url: '/b', headers: bearer(token) })).body, 'b')
  t.equal((await app.inject({ url: '/b' })).headers['www-authenticate'], 'Bearer realm="b"')
  t.equal(jwks.requests.length, 1)
})

t.test('an untrusted issuer\'s refusal logs the token\'s iss, escaped, and never the token', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const token = await h.token({ iss: 'https://evil.example/pool\r\nforged' })
  const res = await h.app.inject({ url: '/transactions', headers: bearer(token) })
  t.equal(res.json().code, 'ERR_ISSUER_MISMATCH')
  const line = h.logs.find((l) => l.msg === 'bearer token refused')
  t.same([line?.code, line?.iss], ['ERR_ISSUER_MISMATCH', 'https://evil.example/pool\\u000d\\u000aforged'])
  t.notOk(JSON.stringify(h.logs).includes(token.split('.')[1] as string), 'no log line holds the token')
})

t.test('allowInsecureHttpHosts takes plain http on the named hosts only, and logs a warning at start-up', async (t) => {
  const logs: Array<Record<string, unknown>> = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (l: string) => { logs.push(JSON.parse(l)) } } } })
  t.teardown(async () => { await app.close() })
  await app.register(fastifyResourceServer, { issuer: 'http://cognito-local:9229/local_pool', clientId: null, allowInsecureHttpHosts: ['cognito-local'] })
  await app.ready()
  const warning = logs.find((l) => l.option === 'allowInsecureHttpHosts')
  t.equal(warning?.level, 40)
  t.match(warning?.msg, /plain http from cognito-local; anyone on that network path can forge every token/)
  const other = Fastify()
  await t.rejects(async () => { await other.register(fastifyResourceServer, { issuer: 'http://other:9229/p', clientId: null, allowInsecureHttpHosts: ['cognito-local'] }).ready() }, { code: 'ERR_INVALID_OPTION', option: 'issuer' })
  await other.close()
})

t.test('prefetchJwks loads the keys when the server starts, and only logs a failure', async (t) => {
  const h = await harness({ prefetchJwks: true })
  t.teardown(h.close)
  t.equal(h.jwks.requests.length, 1)
  const key = await makeKey()
  const { startJwksServer } = await import('../helpers/jwks-server.js')
  const down = await startJwksServer([key.jwk])
  down.handler = (_req, res) => { res.statusCode = 500; res.end() }
  const logs: string[] = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (l: string) => { logs.push(l) } } } })
  await app.register(fastifyResourceServer, { issuer: down.issuer, clientId: null, prefetchJwks: true })
  await app.ready()
  t.match(logs.join(''), /JWKS prefetch failed/)
  await app.close()
  await down.close()
})

t.test('refusals can be logged at another level, or not at all', async (t) => {
  const h = await harness({ refusalLogLevel: 'silent' })
  t.teardown(h.close)
  await h.app.inject('/transactions')
  t.equal(h.logs.filter((l) => l.msg === 'bearer token refused').length, 0)
})

t.test('a tenant removed from trustIssuer gets 401 at its next request, its token cached or not', async (t) => {
  const key = await makeKey()
  const { startJwksServer } = await import('../helpers/jwks-server.js')
  const jwks = await startJwksServer([key.jwk])
  const tenant = `${jwks.origin}/tenant-a`
  const tenantRealms = new Set([tenant])
  const app = Fastify()
  t.teardown(async () => { await app.close(); await jwks.close() })
  await app.register(fastifyResourceServer, { trustIssuer: (iss) => tenantRealms.has(iss) ? iss : undefined, clientId: null, clock: () => 1_800_000_001_000, tokenCacheAdmission: 'first-use' })
  app.get('/x', async (request) => request.auth?.issuer)
  const token = await sign(key, accessClaims(tenant))
  for (let i = 0; i < 2; i++) t.equal((await app.inject({ url: '/x', headers: bearer(token) })).body, tenant, `request ${i}`)
  t.equal(app.tokenVerifier.cachedTokenCount, 1)
  tenantRealms.delete(tenant)
  const res = await app.inject({ url: '/x', headers: bearer(token) })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'ERR_ISSUER_MISMATCH')
})
