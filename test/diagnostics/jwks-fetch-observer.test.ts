import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { JWKS_FETCH_CHANNEL, type JwksFetchMessage } from '../../src/diagnostics/channels.js'
import { VerifierCounters } from '../../src/diagnostics/counters.js'
import { classifyJwksFetchError, observeJwksFetch } from '../../src/diagnostics/jwks-fetch-observer.js'
import { JwksFetchError } from '../../src/verifier/jwks-fetch.js'
import { fetchJwks } from '../../src/verifier/jwks-fetch.js'
import { startJwksServer, type JwksServer } from '../helpers/jwks-server.js'
import { makeKey } from '../helpers/keys.js'

const key = await makeKey('RS256')

function listen (t: Test): JwksFetchMessage[] {
  const seen: JwksFetchMessage[] = []
  const listener = (message: unknown): void => { seen.push(message as JwksFetchMessage) }
  subscribe(JWKS_FETCH_CHANNEL, listener)
  t.teardown(() => { unsubscribe(JWKS_FETCH_CHANNEL, listener) })
  return seen
}

async function server (t: Test): Promise<JwksServer> {
  const s = await startJwksServer([key.jwk])
  t.teardown(s.close)
  return s
}

/** The real download against `s`, observed: what it threw, what was counted, what was published. */
async function observe (t: Test, uri: string, timeoutMs = 2000): Promise<{ error: unknown, counters: VerifierCounters, message: JwksFetchMessage | undefined }> {
  const seen = listen(t)
  const counters = new VerifierCounters()
  const error = await observeJwksFetch(counters, () => fetchJwks(uri, timeoutMs, 10_000)).then(() => undefined, (err: unknown) => err)
  return { error, counters, message: seen[0] }
}

t.test('records a good download as ok, 200, with its key count and duration', async (t) => {
  const s = await server(t)
  const { error, counters, message } = await observe(t, s.jwksUri)
  t.equal(error, undefined)
  t.equal(counters.snapshot().jwksFetches.ok, 1)
  t.match(message, { outcome: 'ok', status: 200, keys: 1 })
  t.ok(typeof message?.durationMs === 'number' && message.durationMs >= 0)
})

t.test('passes the result and the error through untouched', async (t) => {
  const keys = [1, 2]
  t.equal(await observeJwksFetch(undefined, async () => keys), keys)
  const boom = new Error('the JWKS endpoint answered HTTP 502')
  await t.rejects(observeJwksFetch(undefined, async () => { throw boom }), boom)
})

t.test('classifies every way the real download fails', async (t) => {
  const cases: Array<[string, (res: import('node:http').ServerResponse) => void, string, number | null]> = [
    ['a 503', (res) => { res.statusCode = 503; res.end() }, 'http_status', 503],
    ['a redirect, never followed', (res) => { res.statusCode = 302; res.setHeader('location', '/elsewhere'); res.end() }, 'http_status', 302],
    ['a declared oversize body', (res) => { res.setHeader('content-length', '20000'); res.end('x'.repeat(20_000)) }, 'too_large', null],
    ['an oversize streamed body', (res) => { res.write('x'.repeat(6000)); res.end('x'.repeat(6000)) }, 'too_large', null],
    ['a body that is not JSON', (res) => { res.end('<html>') }, 'invalid', null],
    ['JSON without keys', (res) => { res.end('{"nope":1}') }, 'invalid', null]
  ]
  for (const [label, handler, outcome, status] of cases) {
    await t.test(label, async (t) => {
      const s = await server(t)
      s.handler = (_req, res) => { handler(res) }
      const { error, counters, message } = await observe(t, s.jwksUri)
      t.ok(error instanceof Error, 'the download still fails')
      t.equal(counters.snapshot().jwksFetches[outcome as 'ok'], 1, `counted as ${outcome}`)
      t.match(message, { outcome, status, keys: 0 })
    })
  }
})

t.test('classifies a timeout', async (t) => {
  const s = await server(t)
  s.handler = () => {} // never answers
  const { message } = await observe(t, s.jwksUri, 50)
  t.match(message, { outcome: 'timeout', status: null })
})

t.test('classifies an endpoint nobody listens on as unreachable', async (t) => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  const { message, counters } = await observe(t, `http://127.0.0.1:${port}/jwks.json`)
  t.match(message, { outcome: 'unreachable', status: null })
  t.equal(counters.snapshot().jwksFetches.unreachable, 1)
})

t.test('publishes on the channel alone when there are no counters', async (t) => {
  const seen = listen(t)
  await observeJwksFetch(undefined, async () => { throw new Error('something new') }).catch(() => {})
  t.match(seen, [{ outcome: 'error', status: null, keys: 0 }])
})

t.test('reads anything unknown, or no Error at all, as error', async (t) => {
  t.same(classifyJwksFetchError(new Error('the JWKS endpoint answered HTTP 404')), { outcome: 'error', status: null }, 'the sentence is never parsed')
  t.same(classifyJwksFetchError('a string'), { outcome: 'error', status: null })
  t.same(classifyJwksFetchError(new JwksFetchError('the JWKS endpoint answered HTTP 404', 'http_status', 404)), { outcome: 'http_status', status: 404 })
  t.same(classifyJwksFetchError(new JwksFetchError('the metadata has no "jwks_uri"')), { outcome: 'invalid', status: null }, 'invalid by default')
})
