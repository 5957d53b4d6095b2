// RFC 6750 (The OAuth 2.0 Authorization Framework: Bearer Token Usage), section by section.
import t from 'tap'
import { bearer, harness } from '../helpers/fastify-app.js'

t.test('§2.1 the Authorization scheme is matched case-insensitively', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const token = await h.token()
  for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
    t.equal((await h.app.inject({ url: '/transactions', headers: { authorization: `${scheme} ${token}` } })).statusCode, 200, scheme)
  }
  t.equal((await h.app.inject({ url: '/transactions', headers: { authorization: `Bearer   ${token}  ` } })).statusCode, 200, 'extra spaces')
})

t.test('§2.1 a token with characters outside b64token is an invalid token', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const res = await h.app.inject({ url: '/transactions', headers: { authorization: 'Bearer abc def' } })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'ERR_TOKEN_MALFORMED')
})

t.test('§2.1 the Bearer scheme with no token is an invalid request', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  for (const authorization of ['Bearer', 'Bearer ', 'Bearer    ']) {
    const res = await h.app.inject({ url: '/transactions', headers: { authorization } })
    t.equal(res.statusCode, 400, JSON.stringify(authorization))
    t.equal(res.json().code, 'ERR_AUTHORIZATION_MALFORMED')
    t.match(res.headers['www-authenticate'], /^Bearer realm="api", error="invalid_request", error_description="[^"]+"$/)
  }
})

t.test('§3.1 two Authorization headers are an invalid request', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const token = await h.token()
  const res = await h.app.inject({ url: '/transactions', headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] as any } })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'ERR_MULTIPLE_TOKENS')
})

t.test('§2.3 and §3.1 a token in the query string is refused, alone or beside the header', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const token = await h.token()
  const alone = await h.app.inject({ url: `/transactions?access_token=${token}` })
  t.equal(alone.statusCode, 400)
  t.equal(alone.json().code, 'ERR_MULTIPLE_TOKENS')
  t.notOk(alone.body.includes(token))
  const both = await h.app.inject({ url: `/transactions?access_token=${token}`, headers: bearer(token) })
  t.equal(both.statusCode, 400)
  t.equal((await h.app.inject({ url: '/transactions?not_access_token=1', headers: bearer(token) })).statusCode, 200, 'a look-alike parameter is fine')
})

t.test('§2.3 a query token is found by its decoded name, as the application reads it', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const token = await h.token()
  for (const name of ['%61ccess_token', 'access%5Ftoken', 'access%5ftoken']) {
    const alone = await h.app.inject({ url: `/transactions?${name}=${token}` })
    t.equal(alone.statusCode, 400, `${name} alone`)
    t.equal(alone.json().code, 'ERR_MULTIPLE_TOKENS')
    const both = await h.app.inject({ url: `/transactions?${name}=x`, headers: bearer(token) })
    t.equal(both.statusCode, 400, `${name} beside the header`)
  }
})

t.test('§2.2 and §3.1 a token in a form body beside the header is refused', async (t) => {
  const h = await harness({}, (app) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    })
    app.post('/form', async (request) => request.body)
  })
  t.teardown(h.close)
  const token = await h.token()
  const headers = { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' }
  const res = await h.app.inject({ method: 'POST', url: '/form', headers, payload: `access_token=${token}` })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'ERR_MULTIPLE_TOKENS')
  t.equal((await h.app.inject({ method: 'POST', url: '/form', headers, payload: 'a=1' })).statusCode, 200)
  const json = await h.app.inject({ method: 'POST', url: '/form', headers: bearer(token), payload: { access_token: 'x' } })
  t.equal(json.statusCode, 200, 'only form bodies carry tokens by §2.2')
})

t.test('§2.2 a form-body token without the header: 401 with a bare challenge, and 400 on an optional route', async (t) => {
  const h = await harness({}, (app) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    })
    app.post('/form', async () => ({ ok: true }))
    app.post('/optional-form', { config: { auth: { optional: true } } }, async (request) => ({ auth: request.auth }))
  })
  t.teardown(h.close)
  const token = await h.token()
  const headers = { 'content-type': 'application/x-www-form-urlencoded' }
  const required = await h.app.inject({ method: 'POST', url: '/form', headers, payload: `access_token=${token}` })
  t.equal(required.statusCode, 401, 'checked in onRequest, before the body is read: no credentials')
  t.equal(required.json().code, 'ERR_CREDENTIALS_MISSING')
  t.equal(required.headers['www-authenticate'], 'Bearer realm="api"')
  const optional = await h.app.inject({ method: 'POST', url: '/optional-form', headers, payload: `access_token=${token}` })
  t.equal(optional.statusCode, 400, 'an optional route reads the body, and never ignores a token in it')
  t.equal(optional.json().code, 'ERR_MULTIPLE_TOKENS')
  t.match(optional.headers['www-authenticate'], /^Bearer realm="api", error="invalid_request", /)
  t.same((await h.app.inject({ method: 'POST', url: '/optional-form', headers, payload: 'x=1' })).json(), { auth: null }, 'without one it passes')
})

t.test('§2.2 a public route reads no token, in the form body as in the query', async (t) => {
  const h = await harness({}, (app) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    })
    app.post('/public-form', { config: { auth: false } }, async () => ({ ok: true }))
  })
  t.teardown(h.close)
  const headers = { 'content-type': 'application/x-www-form-urlencoded' }
  const res = await h.app.inject({ method: 'POST', url: '/public-form', headers, payload: 'access_token=abc&x=1' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { ok: true })
  t.equal((await h.app.inject({ method: 'POST', url: '/public-form?access_token=abc', headers, payload: 'x=1' })).statusCode, 200, 'nor in the query')
})

t.test('§3 a request with no authentication gets a challenge with no error code', async (t) => {
  const h = await harness({ realm: 'transactions' })
  t.teardown(h.close)
  const res = await h.app.inject('/transactions')
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Bearer realm="transactions"')
})

t.test('§3.1 invalid_token is 401, insufficient_scope is 403 with the scope attribute', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const invalid = await h.app.inject({ url: '/transactions', headers: bearer('a.b.c') })
  t.equal(invalid.statusCode, 401)
  t.match(invalid.headers['www-authenticate'], /error="invalid_token"/)
  const scoped = await h.app.inject({ method: 'POST', url: '/transactions', headers: bearer(await h.token({ scope: '' })) })
  t.equal(scoped.statusCode, 403)
  t.match(scoped.headers['www-authenticate'], /error="insufficient_scope", error_description="[^"]+", scope="transactions\/post"/)
})

t.test('§3 error_description holds only the characters the RFC allows', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  const res = await h.app.inject({ url: '/transactions', headers: bearer(await h.token({}, { typ: 'weird' })) })
  const description = /error_description="([^"]*)"/.exec(String(res.headers['www-authenticate']))?.[1]
  t.ok(description !== undefined && /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/.test(description))
})

t.test('§5.3 refusals are not cacheable', async (t) => {
  const h = await harness()
  t.teardown(h.close)
  t.equal((await h.app.inject('/transactions')).headers['cache-control'], 'no-store')
})
