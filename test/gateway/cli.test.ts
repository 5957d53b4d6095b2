import t from 'tap'
import { createServer, type AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { applyGatewayEnv, explainStartFailure, GATEWAY_USAGE, runGatewayCli } from '../../src/gateway/cli-main.js'
import { resolveGatewayConfig } from '../../src/gateway/config.js'
import { PortInUseError } from '../../src/gateway/listen.js'
import { OptionError } from '../../src/verifier/errors.js'
import { startJwksServer } from '../helpers/jwks-server.js'
import { makeKey } from '../helpers/keys.js'

function io () {
  const out: string[] = []
  const err: string[] = []
  const started: FastifyInstance[] = []
  return { out, err, started, io: { out: (s: string) => { out.push(s) }, err: (s: string) => { err.push(s) }, onStarted: (app: FastifyInstance) => { started.push(app) } } }
}

async function configFile (t: { testdir: (files: Record<string, string>) => string, teardown: (fn: () => Promise<void>) => void }, extra: Record<string, unknown> = {}): Promise<string> {
  const jwks = await startJwksServer([(await makeKey()).jwk])
  t.teardown(async () => { await jwks.close() })
  const config = { routes: [{ prefix: '/t', upstream: 'http://127.0.0.1:1', methods: { GET: [] } }], auth: { issuer: jwks.issuer, clientId: null }, listen: { port: 0 }, logLevel: 'silent', ...extra }
  return `${t.testdir({ 'gateway.json': JSON.stringify(config) })}/gateway.json`
}

t.test('--help prints the usage under the bin name, with the environment variables', async (t) => {
  const o = io()
  t.equal(await runGatewayCli(['--help'], {}, o.io), 0)
  t.equal(o.out[0], GATEWAY_USAGE)
  t.match(GATEWAY_USAGE, /^Usage: fastify-resource-server-gateway /)
  for (const name of ['GATEWAY_PORT', 'GATEWAY_HOST', 'LOG_LEVEL']) t.match(GATEWAY_USAGE, name)
  t.equal(await runGatewayCli(['--nope'], {}, o.io), 2)
  t.match(o.err[0], /Unknown option '--nope'/)
})

t.test('the bin runs the gateway from a config file, with the port from GATEWAY_PORT', async (t) => {
  const file = await configFile(t, { listen: { port: 1 } })
  const o = io()
  t.equal(await runGatewayCli(['--config', file], { GATEWAY_PORT: '0', LOG_LEVEL: 'silent' }, o.io), 0)
  const app = o.started[0] as FastifyInstance
  t.teardown(async () => { await app.close() })
  const port = (app.server.address() as AddressInfo).port
  const res = await fetch(`http://127.0.0.1:${port}/t`)
  t.equal(res.status, 401)
  t.equal(res.headers.get('www-authenticate'), 'Bearer realm="api"')
})

t.test('--check validates and exits', async (t) => {
  const o = io()
  t.equal(await runGatewayCli(['--config', await configFile(t), '--check'], {}, o.io), 0)
  t.match(o.out[0], /gateway\.json: the configuration is valid \(routes: 1\)$/)
  t.equal(o.started.length, 0)
})

t.test('a bad configuration is one line naming the field and the value', async (t) => {
  const o = io()
  const dir = t.testdir({ 'bad.json': JSON.stringify({ routes: [{ prefix: '/t', upstream: 'ftp://x', methods: { GET: [] } }] }) })
  t.equal(await runGatewayCli(['--config', `${dir}/bad.json`], {}, o.io), 1)
  t.equal(o.err[0], `${dir}/bad.json: option "routes[0].upstream" must be an http(s) URL without query or fragment (got "ftp://x")`)
  t.equal(await runGatewayCli(['--config', `${dir}/missing.json`], {}, o.io), 1)
  t.match(o.err[1], /option "configFile" could not be read as JSON/)
  t.equal(await runGatewayCli(['--config', await configFile(t, { auth: { issuer: 'http://127.0.0.1:1' } })], {}, o.io), 1)
  t.match(o.err[2], /option "auth\.clientId"/)
})

t.test('a busy port is one line naming the port and GATEWAY_PORT', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { blocker.close() })
  const taken = (blocker.address() as AddressInfo).port
  const o = io()
  t.equal(await runGatewayCli(['--config', await configFile(t)], { GATEWAY_PORT: String(taken) }, o.io), 1)
  t.same(o.err, [`port ${taken} is already in use; set GATEWAY_PORT to another port (0 picks a free one)`])
})

t.test('any other start-up failure is thrown as it is', async (t) => {
  const o = io()
  // A documentation address (RFC 5737) is not on this machine: binding fails locally, nothing is sent.
  await t.rejects(runGatewayCli(['--config', await configFile(t)], { GATEWAY_HOST: '192.0.2.1' }, o.io), { code: 'EADDRNOTAVAIL' })
})

t.test('environment overrides are checked and named', async (t) => {
  const config = resolveGatewayConfig({ routes: [{ prefix: '/t', upstream: 'http://127.0.0.1:1', methods: { GET: [] } }] })
  t.same(applyGatewayEnv(config, {}).listen, { port: 8080, host: '127.0.0.1' })
  const over = applyGatewayEnv(config, { GATEWAY_PORT: '9090', GATEWAY_HOST: '::1', LOG_LEVEL: 'warn' })
  t.same([over.listen, over.logLevel], [{ port: 9090, host: '::1' }, 'warn'])
  t.throws(() => applyGatewayEnv(config, { GATEWAY_PORT: '8o8o' }), { name: 'TypeError', option: 'GATEWAY_PORT' })
  t.throws(() => applyGatewayEnv(config, { GATEWAY_PORT: '70000' }), { name: 'TypeError', option: 'GATEWAY_PORT' })
  t.throws(() => applyGatewayEnv(config, { LOG_LEVEL: 'loud' }), { name: 'TypeError', option: 'LOG_LEVEL' })
})

t.test('a missing optional peer is one line saying what to install', async (t) => {
  const missing = (name: string): Error => Object.assign(new Error(`Cannot find package '${name}' imported from /x.js`), { code: 'ERR_MODULE_NOT_FOUND' })
  t.equal(explainStartFailure(missing('@fastify/http-proxy'), 'g.json'), 'the gateway needs @fastify/http-proxy, an optional peer dependency: npm install @fastify/http-proxy')
  t.match(explainStartFailure(missing('ioredis'), 'g.json'), /npm install ioredis$/)
  t.equal(explainStartFailure(missing('prom-client'), 'g.json'), 'the gateway\'s metrics need prom-client, an optional peer dependency: npm install prom-client')
  t.equal(explainStartFailure(missing('left-pad'), 'g.json'), undefined)
  t.equal(explainStartFailure(new Error('boom'), 'g.json'), undefined)
  t.equal(explainStartFailure(new PortInUseError(80, 'X_PORT'), 'g.json'), 'port 80 is already in use; set X_PORT to another port (0 picks a free one)')
  t.equal(explainStartFailure(new OptionError('routes', 'must be a non-empty array'), 'g.json'), 'g.json: option "routes" must be a non-empty array')
})
