import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import * as api from '../../src/index.js'
import { fastifyResourceServer } from '../../src/index.js'
import { CREDENTIAL_PARAMETERS, redactLogMessage, redactUrl, serializers } from '../../src/logging/serializers.js'
import { credentialUrls, leakedLines, SECRETS } from '../helpers/credential-urls.js'
import { startJwksServer } from '../helpers/jwks-server.js'
import { accessClaims, makeKey, NOW_S, sign } from '../helpers/keys.js'

t.test('redacts the value of every credential-bearing parameter and keeps the rest byte for byte', async (t) => {
  for (const name of CREDENTIAL_PARAMETERS) {
    t.equal(redactUrl(`/x?a=1&${name}=s3cr3t&b=%20+2`), `/x?a=1&${name}=[REDACTED]&b=%20+2`, name)
  }
  t.equal(redactUrl('/oauth2/token?client_id=app&client_secret=s3cr3t'), '/oauth2/token?client_id=app&client_secret=[REDACTED]')
  t.equal(redactUrl('/x?client_id=app&scope=a%2Fb'), '/x?client_id=app&scope=a%2Fb', 'nothing to redact: unchanged')
  t.equal(redactUrl('/plain/path'), '/plain/path')
  t.equal(redactUrl(''), '')
})

t.test('catches repeated, encoded, cased and suffixed names', async (t) => {
  t.equal(redactUrl('/x?code=a&code=b'), '/x?code=[REDACTED]&code=[REDACTED]', 'repeated')
  t.equal(redactUrl('/x?%63ode=a'), '/x?%63ode=[REDACTED]', 'percent-encoded name')
  t.equal(redactUrl('/x?client%5Fsecret=a'), '/x?client%5Fsecret=[REDACTED]', 'encoded underscore')
  t.equal(redactUrl('/x?Client_Secret=a'), '/x?Client_Secret=[REDACTED]', 'upper case')
  t.equal(redactUrl('/x?code[]=a&password[0]=b'), '/x?code[]=[REDACTED]&password[0]=[REDACTED]', 'array suffixes')
  t.equal(redactUrl('/x?refresh_token+=a'), '/x?refresh_token+=[REDACTED]', "a '+' (a space) after the name")
  t.equal(redactUrl('/x?access_token=a=b=c'), '/x?access_token=[REDACTED]', 'a value holding "="')
  t.equal(redactUrl('/x?zipcode=1&encode=2'), '/x?zipcode=1&encode=2', 'names that merely contain one are kept')
})

t.test('survives bad encoding without throwing, and still redacts', async (t) => {
  t.equal(redactUrl('/x?code=%zz%&%ff=1&%=2'), '/x?code=[REDACTED]&%ff=1&%=2')
  t.equal(redactUrl('/x?%E0%A4%A=1&password=%%%'), '/x?%E0%A4%A=1&password=[REDACTED]')
  t.equal(redactUrl('/x?&&code&=&code='), '/x?&&code&=&code=[REDACTED]', 'empty pairs and a name without a value')
})

t.test('redacts fragments and userinfo passwords too', async (t) => {
  t.equal(redactUrl('/cb#access_token=a&state=s'), '/cb#access_token=[REDACTED]&state=s')
  t.equal(redactUrl('/cb?code=a#refresh_token=b'), '/cb?code=[REDACTED]#refresh_token=[REDACTED]')
  t.equal(redactUrl('https://user:pw@example.com/x?code=1'), 'https://user:REDACTED@example.com/x?code=[REDACTED]')
  t.equal(redactUrl('https://user@example.com/x'), 'https://user@example.com/x', 'a user without a password')
  t.equal(redactUrl('/x?email=a@b.example'), '/x?email=a@b.example', 'an @ in a relative URL')
})

t.test('serializes a raw IncomingMessage-like request as Fastify does', async (t) => {
  t.same(serializers.req({ method: 'GET', url: '/x?code=1', headers: { host: 'api.example', 'accept-version': '2' }, socket: { remoteAddress: '10.0.0.1', remotePort: 5000 } }), {
    method: 'GET', url: '/x?code=[REDACTED]', version: '2', host: 'api.example', remoteAddress: '10.0.0.1', remotePort: 5000
  })
  t.equal(serializers.source('http://127.0.0.1:3001/transactions?code=1'), 'http://127.0.0.1:3001/transactions?code=[REDACTED]', "the proxy's upstream URL")
  t.equal(serializers.source(42), 42)
  t.equal(serializers.req({ headers: { 'accept-version': ['1', '2'] } }).version, '1, 2', 'a repeated header, as one line')
  t.same(serializers.req({}), { method: undefined, url: undefined, version: undefined, host: undefined, remoteAddress: undefined, remotePort: undefined })
})

t.test('is exported from the package', async (t) => {
  t.equal(api.redactUrl, redactUrl)
  t.equal(api.serializers, serializers)
  t.equal(api.redactLogMessage, redactLogMessage)
})

// A real log capture: every credential-bearing parameter sent to a protected service, in every
// spelling above, through requests that pass, are refused, or hit no route.
const URLS = credentialUrls()

async function loggedApp (logger: Record<string, unknown>): Promise<{ app: FastifyInstance, lines: string[], token: string, close: () => Promise<void> }> {
  const key = await makeKey('RS256')
  const jwks = await startJwksServer([key.jwk])
  const lines: string[] = []
  const app = Fastify({ logger: { level: 'trace', stream: { write: (line: string) => { lines.push(line) } }, ...logger } })
  await app.register(fastifyResourceServer, { issuer: jwks.issuer, clientId: 'client-abc', clock: () => NOW_S * 1000 + 1000 })
  app.get('/transactions', async () => ({ ok: true }))
  await app.ready()
  const token = await sign(key, accessClaims(jwks.issuer))
  return { app, lines, token, close: async () => { await app.close(); await jwks.close() } }
}

async function sendAll (app: FastifyInstance, token: string): Promise<number[]> {
  const statuses: number[] = []
  for (const url of URLS) {
    for (const headers of [{}, { authorization: `Bearer ${token}` }]) {
      statuses.push((await app.inject({ url, headers, remoteAddress: '127.0.0.1' })).statusCode)
    }
  }
  return statuses
}

t.test('no credential reaches the log of a protected service that uses the serializers', async (t) => {
  const { app, lines, token, close } = await loggedApp({ serializers, hooks: { logMethod: redactLogMessage } })
  t.teardown(close)
  const statuses = await sendAll(app, token)
  t.same([...new Set(statuses)].sort(), [200, 400, 401, 404], 'requests that pass, are refused, and hit no route')
  t.ok(lines.length >= URLS.length * 4, `${lines.length} log lines captured`)
  t.same(leakedLines(lines), [], 'no log line holds any of the credentials')

  const incoming = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'incoming request')
  t.equal(incoming.req.method, 'GET')
  t.equal(incoming.req.url, '/transactions?access_token=[REDACTED]')
  t.equal(incoming.req.host, 'localhost:80')
  t.equal(incoming.req.remoteAddress, '127.0.0.1')
  t.ok(lines.some((line) => line.includes('Route GET:/nowhere?code=[REDACTED]&%ff=1 not found')), "Fastify's not-found line is redacted too")
})

t.test('the same requests do leak through Fastify\'s default serializers (the capture works)', async (t) => {
  const { app, lines, token, close } = await loggedApp({})
  t.teardown(close)
  await sendAll(app, token)
  const leaked = SECRETS.filter((secret) => lines.some((line) => line.includes(secret)))
  t.equal(leaked.length, SECRETS.length, 'every credential shows up without them')
})
