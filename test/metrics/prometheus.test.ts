import { channel } from 'node:diagnostics_channel'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import t, { type Test } from 'tap'
import { JWKS_FETCH_CHANNEL, TOKEN_CACHE_CHANNEL, VERIFY_CHANNEL } from '../../src/diagnostics/channels.js'
import { VerifierCounters } from '../../src/diagnostics/counters.js'
import { observeJwksFetch } from '../../src/diagnostics/jwks-fetch-observer.js'
import { resourceServerMetrics, type MetricsPluginOptions } from '../../src/metrics/index.js'
import { ClientIdMismatchError, CredentialsMissingError, TokenExpiredError } from '../../src/verifier/errors.js'
import { fetchJwks } from '../../src/verifier/jwks-fetch.js'
import { bearer, harness, type Harness } from '../helpers/fastify-app.js'

/** A resource server on 127.0.0.1 with the metrics plugin beside it, listening on port 0. */
async function serve (t: Test, options: MetricsPluginOptions = {}): Promise<{ h: Harness, origin: string }> {
  const h = await harness({}, (app) => {
    void app.register(resourceServerMetrics, { registry: new Registry(), ...options })
    app.get('/transactions', { config: { auth: { scopes: ['transactions/get'] } } }, async () => ({ ok: true }))
  })
  t.teardown(h.close)
  const origin = await h.app.listen({ port: 0, host: '127.0.0.1' })
  return { h, origin }
}

t.test('serves refusals by code and JWKS downloads in Prometheus text over loopback', async (t) => {
  const { h, origin } = await serve(t, { auth: false })
  // What the verifier and the plugin record once wired: one call per event.
  const counters = new VerifierCounters()
  await observeJwksFetch(counters, () => fetchJwks(h.jwks.jwksUri, 2000, 100_000))
  counters.refused(new TokenExpiredError('expired'))
  counters.refused(new TokenExpiredError('expired'))
  counters.refused(new CredentialsMissingError())
  counters.refused(new ClientIdMismatchError('not ours'))
  counters.accepted()
  counters.tokenCache(false)
  counters.tokenCache(true)

  const res = await fetch(`${origin}/metrics`)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/)
  const text = await res.text()
  t.match(text, /^resource_server_auth_decisions_total\{outcome="refused",code="ERR_TOKEN_EXPIRED"\} 2$/m)
  t.match(text, /^resource_server_auth_decisions_total\{outcome="refused",code="ERR_CREDENTIALS_MISSING"\} 1$/m)
  t.match(text, /^resource_server_auth_decisions_total\{outcome="refused",code="ERR_CLIENT_ID_MISMATCH"\} 1$/m)
  t.match(text, /^resource_server_auth_decisions_total\{outcome="accepted"\} 1$/m)
  t.match(text, /^resource_server_jwks_fetches_total\{outcome="ok",status="200"\} 1$/m)
  t.match(text, /^resource_server_jwks_fetch_duration_seconds_count\{outcome="ok"\} 1$/m)
  t.match(text, /^resource_server_token_cache_lookups_total\{outcome="hit"\} 1$/m)
  t.match(text, /^resource_server_token_cache_lookups_total\{outcome="miss"\} 1$/m)
  t.same(counters.snapshot().refused, { ERR_TOKEN_EXPIRED: 2, ERR_CREDENTIALS_MISSING: 1, ERR_CLIENT_ID_MISMATCH: 1 }, 'the verifier\'s own counters agree')
})

t.test('beside the resource server, /metrics needs a valid token unless told otherwise', async (t) => {
  const { h, origin } = await serve(t)
  const anonymous = await fetch(`${origin}/metrics`)
  t.equal(anonymous.status, 401)
  t.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"')
  const res = await fetch(`${origin}/metrics`, { headers: bearer(await h.token()) })
  t.equal(res.status, 200)
})

t.test('can require a scope of the scraper', async (t) => {
  const { h, origin } = await serve(t, { auth: { scopes: ['metrics/read'] } })
  const without = await fetch(`${origin}/metrics`, { headers: bearer(await h.token({ scope: 'transactions/get' })) })
  t.equal(without.status, 403)
  t.match(without.headers.get('www-authenticate'), /error="insufficient_scope"/)
  t.match(without.headers.get('www-authenticate'), /scope="metrics\/read"/)
  const withScope = await fetch(`${origin}/metrics`, { headers: bearer(await h.token({ scope: 'metrics/read' })) })
  t.equal(withScope.status, 200)
})

t.test('serves another path, or none, as asked', async (t) => {
  const { h, origin } = await serve(t, { auth: false, path: '/internal/metrics' })
  const headers = bearer(await h.token())
  t.equal((await fetch(`${origin}/internal/metrics`)).status, 200)
  t.equal((await fetch(`${origin}/metrics`, { headers })).status, 404)
  await t.test('path: false', async (t) => {
    const registry = new Registry()
    const { h, origin } = await serve(t, { auth: false, path: false, registry })
    t.equal((await fetch(`${origin}/metrics`, { headers: bearer(await h.token()) })).status, 404)
    t.match(await registry.metrics(), /resource_server_auth_decisions_total/, 'the metrics are collected for the caller to serve')
  })
})

t.test('unsubscribes when the server closes', async (t) => {
  const app = Fastify()
  await app.register(resourceServerMetrics, { registry: new Registry(), auth: false })
  await app.ready()
  t.ok(channel(VERIFY_CHANNEL).hasSubscribers)
  await app.close()
  for (const name of [VERIFY_CHANNEL, JWKS_FETCH_CHANNEL, TOKEN_CACHE_CHANNEL]) t.notOk(channel(name).hasSubscribers, name)
})

t.test('refuses a bad path at registration, naming the option', async (t) => {
  for (const path of ['metrics', '', 42]) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(resourceServerMetrics, { registry: new Registry(), path: path as string }).ready() }, { name: 'TypeError', code: 'ERR_INVALID_OPTION', option: 'path' }, String(path))
    await app.close()
  }
})
