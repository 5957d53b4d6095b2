import { once } from 'node:events'
import t from 'tap'
import { fetchJwks, JwksFetchError } from '../../src/verifier/jwks-fetch.js'
import { rejectsWith } from '../helpers/assert.js'
import { startJwksServer, type JwksServer } from '../helpers/jwks-server.js'
import { makeKey } from '../helpers/keys.js'

const key = await makeKey('RS256', 'k1')
const CAP = 4096

async function server (t: { teardown: (fn: () => unknown) => void }, keys: unknown[] = [key.jwk]): Promise<JwksServer> {
  const s = await startJwksServer(keys)
  t.teardown(s.close)
  return s
}

t.test('returns the keys of a JWKS that may verify signatures', async (t) => {
  const s = await server(t, [key.jwk, { ...key.jwk, kid: 'enc', use: 'enc' }, { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }, 'junk'])
  const keys = await fetchJwks(s.jwksUri, 1000, CAP)
  t.same(keys.map((k) => k.kid), ['k1'])
  t.equal(s.requests.length, 1)
})

t.test('sends a plain GET with accept and nothing of the client: no credentials, no cookies', async (t) => {
  const s = await server(t)
  await fetchJwks(s.jwksUri, 1000, CAP)
  const [req] = s.requests
  t.equal(req?.method, 'GET')
  t.equal(req?.url, '/local_pool/.well-known/jwks.json')
  t.equal(req?.headers.accept, 'application/jwk-set+json, application/json')
  // What the HTTP client adds on its own is allowed; anything else would have come from us.
  const allowed = new Set(['accept', 'host', 'connection', 'user-agent', 'accept-language', 'sec-fetch-mode', 'accept-encoding'])
  for (const name of Object.keys(req?.headers ?? {})) t.ok(allowed.has(name), `header ${name} is a client default`)
  t.notOk('authorization' in (req?.headers ?? {}))
  t.notOk('cookie' in (req?.headers ?? {}))
})

t.test('fails on any status but 200', async (t) => {
  const s = await server(t)
  for (const status of [500, 503, 404, 401, 201, 204]) {
    s.handler = (_req, res) => { res.statusCode = status; res.end(status === 204 ? undefined : '{"keys":[]}') }
    const err = await rejectsWith(t, fetchJwks(s.jwksUri, 1000, CAP), JwksFetchError, undefined, `HTTP ${status}`)
    t.match(err.message, new RegExp(`HTTP ${status}`))
    t.notMatch(err.message, /redirect/)
  }
})

t.test('never follows a redirect, so another host cannot choose the keys', async (t) => {
  const s = await server(t)
  const elsewhere = await server(t, [(await makeKey('RS256', 'evil')).jwk])
  for (const status of [301, 302, 303, 307, 308]) {
    s.handler = (_req, res) => { res.writeHead(status, { location: elsewhere.jwksUri }); res.end() }
    const err = await rejectsWith(t, fetchJwks(s.jwksUri, 1000, CAP), JwksFetchError, undefined, `HTTP ${status}`)
    t.match(err.message, /redirects are not followed/)
  }
  t.equal(elsewhere.requests.length, 0, 'the redirect target got no request')
})

t.test('refuses a body whose declared length is over the cap, and lets the connection go at once', async (t) => {
  const s = await server(t)
  let closed: Promise<unknown> = Promise.resolve()
  s.handler = (_req, res) => {
    closed = once(res, 'close')
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(CAP * 1000) })
    res.write('{"keys":[') // and never finish
  }
  const started = Date.now()
  const err = await rejectsWith(t, fetchJwks(s.jwksUri, 5000, CAP), JwksFetchError)
  t.match(err.message, /declares 4096000 bytes/)
  await closed
  t.ok(Date.now() - started < 2000, 'the server saw the connection close long before the 5 s timeout')
})

t.test('refuses a streamed body without content-length once it passes the cap', async (t) => {
  const s = await server(t)
  let written = 0
  s.handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }) // chunked: no content-length
    const chunk = ' '.repeat(1000)
    const pump = (): void => {
      while (written < CAP * 100 && !res.destroyed) {
        written += chunk.length
        if (!res.write(chunk)) { res.once('drain', pump); return }
      }
    }
    pump()
  }
  const err = await rejectsWith(t, fetchJwks(s.jwksUri, 5000, CAP), JwksFetchError)
  t.match(err.message, /exceeds the 4096-byte cap/)
  t.equal(s.requests[0]?.headers['content-length'], undefined)
})

t.test('accepts a body of exactly the cap', async (t) => {
  const body = JSON.stringify({ keys: [key.jwk] })
  const s = await server(t)
  s.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body.padEnd(2000, ' ')) }
  t.same((await fetchJwks(s.jwksUri, 1000, 2000)).map((k) => k.kid), ['k1'])
  await rejectsWith(t, fetchJwks(s.jwksUri, 1000, 1999), JwksFetchError, undefined, 'one byte less')
})

t.test('gives up on a server that does not answer in time', async (t) => {
  const s = await server(t)
  s.handler = () => {} // never answers
  const started = Date.now()
  const err = await rejectsWith(t, fetchJwks(s.jwksUri, 150, CAP), JwksFetchError)
  t.match(err.message, /no answer within 150 ms/)
  t.ok(Date.now() - started < 1000)
})

t.test('gives up on a body that stalls: the timeout covers the body too', async (t) => {
  const s = await server(t)
  s.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"keys":[') }
  const err = await rejectsWith(t, fetchJwks(s.jwksUri, 150, CAP), JwksFetchError)
  t.match(err.message, /no answer within 150 ms/)
})

t.test('fails when the endpoint cannot be reached', async (t) => {
  const s = await startJwksServer([])
  await s.close()
  const err = await rejectsWith(t, fetchJwks(s.jwksUri, 1000, CAP), JwksFetchError)
  t.match(err.message, /could not be reached/)
})

t.test('speaks TLS to an https URL: a plain HTTP server there gets no request it can answer', async (t) => {
  const s = await server(t)
  const err = await rejectsWith(t, fetchJwks(s.jwksUri.replace(/^http:/, 'https:'), 1000, CAP), JwksFetchError)
  t.match(err.message, /could not be reached/)
  t.equal(s.requests.length, 0)
})

t.test('fails on a body that is not JSON', async (t) => {
  const s = await server(t)
  s.handler = (_req, res) => { res.end('<html>gateway timeout</html>') }
  const err = await rejectsWith(t, fetchJwks(s.jwksUri, 1000, CAP), JwksFetchError)
  t.match(err.message, /not JSON/)
})

t.test('fails on JSON without a keys array', async (t) => {
  const s = await server(t)
  for (const body of ['{}', '{"keys":{}}', '{"keys":"k1"}', 'null', '[]', '"keys"', '42']) {
    s.handler = (_req, res) => { res.end(body) }
    const err = await rejectsWith(t, fetchJwks(s.jwksUri, 1000, CAP), JwksFetchError, undefined, body)
    t.match(err.message, /no "keys" array/)
  }
})

t.test('returns no keys for an empty key set', async (t) => {
  const s = await server(t, [])
  t.same(await fetchJwks(s.jwksUri, 1000, CAP), [])
})

t.test('strips __proto__ and constructor.prototype members instead of failing the whole set', async (t) => {
  const s = await server(t)
  s.handler = (_req, res) => {
    res.end(`{"keys":[${JSON.stringify(key.jwk).slice(0, -1)},"__proto__":{"d":"x"},"constructor":{"prototype":{"d":"x"}}}]}`)
  }
  const keys = await fetchJwks(s.jwksUri, 1000, CAP)
  t.same(keys.map((k) => k.kid), ['k1'])
  t.equal(({} as Record<string, unknown>).d, undefined, 'Object.prototype is untouched')
})

t.test('keeps at most 100 keys of a set', async (t) => {
  const many = Array.from({ length: 150 }, (_, i) => ({ ...key.jwk, kid: `k${i}` }))
  const s = await server(t, many)
  const keys = await fetchJwks(s.jwksUri, 1000, 1 << 20)
  t.equal(keys.length, 100)
  t.equal(keys[99]?.kid, 'k99')
})

t.test('retries a reset connection once, at once, on a new connection', async (t) => {
  const s = await server(t)
  const ports: Array<number | undefined> = []
  s.handler = (req, res) => {
    ports.push(req.socket.remotePort)
    if (ports.length === 1) { req.socket.destroy(); return }
    res.end(JSON.stringify({ keys: [key.jwk] }))
  }
  t.same((await fetchJwks(s.jwksUri, 1000, CAP)).map((k) => k.kid), ['k1'])
  t.equal(ports.length, 2)
  t.not(ports[1], ports[0], 'the retry did not reuse the reset connection')
})

t.test('retries only once: a second reset fails the download', async (t) => {
  const s = await server(t)
  s.handler = (req) => { req.socket.destroy() }
  const err = await rejectsWith(t, fetchJwks(s.jwksUri, 1000, CAP), JwksFetchError)
  t.match(err.message, /could not be reached/)
  t.equal(s.requests.length, 2)
})

t.test('reports what the retry met, and never retries an HTTP error or a timeout', async (t) => {
  const s = await server(t)
  s.handler = (req, res) => {
    if (s.requests.length === 1) { req.socket.destroy(); return }
    res.statusCode = 503
    res.end()
  }
  t.match((await rejectsWith(t, fetchJwks(s.jwksUri, 1000, CAP), JwksFetchError)).message, /HTTP 503/)
  t.equal(s.requests.length, 2, 'the reset was retried; the 503 was not')

  s.handler = () => {}
  t.match((await rejectsWith(t, fetchJwks(s.jwksUri, 150, CAP), JwksFetchError)).message, /no answer within 150 ms/)
  t.equal(s.requests.length, 3, 'a timeout is not retried: the deadline covers the whole download')
})

t.test('refuses a body that is not valid UTF-8 as a whole, rather than repairing it', async (t) => {
  const s = await server(t)
  const json = JSON.stringify({ keys: [key.jwk] })
  const at = json.indexOf('k1')
  s.handler = (_req, res) => { res.end(Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from([0xff]), Buffer.from(json.slice(at))])) }
  const err = await rejectsWith(t, fetchJwks(s.jwksUri, 1000, CAP), JwksFetchError)
  t.match(err.message, /not valid UTF-8/)
})

t.test('keeps RSA keys up to maxRsaBits only', async (t) => {
  const s = await server(t)
  t.same((await fetchJwks(s.jwksUri, 1000, CAP, 4096)).map((k) => k.kid), ['k1'])
  t.same(await fetchJwks(s.jwksUri, 1000, CAP, 2047), [], 'a 2048-bit key over a lower maximum is dropped')
})
