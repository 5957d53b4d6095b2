import t from 'tap'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { demo } from '../../example-gateway/demo.js'
import { stackOptionsFromEnv } from '../../example-gateway/env.js'
import { curlCommands, runFlow } from '../../example-gateway/flow.js'
import { startDemoStack } from '../../example-gateway/stack.js'
import { start } from '../../example-gateway/start.js'
import { startGatewayWorkers } from '../../example-gateway/cluster.js'

const FREE = { ISSUER_PORT: '0', UPSTREAM_PORT: '0', GATEWAY_PORT: '0', RP_PORT: '0' }

t.test('the demo stack runs the whole client_credentials flow through the gateway', async (t) => {
  const stack = await startDemoStack({ issuerPort: 0, upstreamPort: 0, gatewayPort: 0, relyingPartyPort: 0 })
  t.teardown(stack.close)
  const steps = await runFlow(stack)
  t.same(steps.filter((s) => !s.ok), [], 'every step behaves')
  t.equal(steps.length, 19)
  const commands = curlCommands(stack)
  t.ok(commands.includes(stack.clients.full.clientId) && commands.includes(stack.clients.full.clientSecret))
  t.ok(commands.includes(`${stack.gatewayUrl}/transactions`))
})

t.test('npm start prints the URLs, the clients and the curl commands', async (t) => {
  let printed = ''
  const stack = await start(FREE, (text) => { printed += text })
  t.teardown(stack.close)
  for (const part of [stack.issuer, stack.tokenEndpoint, stack.gatewayUrl, stack.clients.readOnly.clientSecret, 'rate limits: 600 requests a minute per client', stack.loginUrl, stack.user.password, 'Ctrl-C']) {
    t.ok(printed.includes(part), part)
  }
})

t.test('npm run demo exits 0 when every step behaves, and 1 when one does not', async (t) => {
  const lines: string[] = []
  t.equal(await demo(FREE, (l) => { lines.push(l) }), 0)
  t.match(lines.at(-1), /^demo passed: 19 steps$/)
  const failing = await demo(FREE, (l) => { lines.push(l) }, async (_stack, report) => {
    const step = { name: 'a step that misbehaves', expected: 200, status: 500, ok: false }
    report(step)
    return [step]
  })
  t.equal(failing, 1)
  t.match(lines.at(-2), /^FAIL 500 \(expected 200\)/)
  t.match(lines.at(-1), /^demo failed: 1 of 1 steps misbehaved$/)
})

t.test('GATEWAY_WORKERS runs several gateway workers on one port', async (t) => {
  const stack = await startDemoStack({ ...stackOptionsFromEnv({ ...FREE, GATEWAY_WORKERS: '2' }) })
  t.teardown(stack.close)
  const steps = await runFlow(stack)
  t.same(steps.filter((s) => !s.ok), [])
})

t.test('a worker that cannot start is reported', async (t) => {
  await t.rejects(startGatewayWorkers({ count: 2, port: 0, host: '127.0.0.1', gateway: { config: { routes: [] }, auth: { issuer: 'https://x.example.com', clientId: null } } }), /failed to start: .*routes/)
})

t.test('a busy port stops the stack with one line naming the port and its variable', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { blocker.close() })
  const taken = (blocker.address() as AddressInfo).port
  await t.rejects(startDemoStack({ issuerPort: 0, upstreamPort: 0, gatewayPort: taken, relyingPartyPort: 0 }), { code: 'ERR_PORT_IN_USE', port: taken, variable: 'GATEWAY_PORT' })
  await t.rejects(startDemoStack({ issuerPort: taken, upstreamPort: 0, gatewayPort: 0, relyingPartyPort: 0 }), { message: `port ${taken} is already in use; set ISSUER_PORT to another port (0 picks a free one)` })
  await t.rejects(startDemoStack({ issuerPort: 0, upstreamPort: 0, gatewayPort: taken, relyingPartyPort: 0, workers: 2 }), /a gateway worker failed to start: port \d+ is already in use; set GATEWAY_PORT/)
  await t.rejects(startDemoStack({ issuerPort: 0, upstreamPort: 0, gatewayPort: 0, relyingPartyPort: taken }), { code: 'ERR_PORT_IN_USE', variable: 'RP_PORT' })
})

t.test('ports and workers come from the environment, with defaults and clear errors', async (t) => {
  t.same(stackOptionsFromEnv({}), { issuerPort: 9000, upstreamPort: 9001, gatewayPort: 8080, relyingPartyPort: 9002, workers: 1, logger: false })
  t.same(stackOptionsFromEnv({ GATEWAY_PORT: '', LOG: '1' }).logger, true)
  t.throws(() => stackOptionsFromEnv({ ISSUER_PORT: 'abc' }), { name: 'TypeError', option: 'ISSUER_PORT' })
  t.throws(() => stackOptionsFromEnv({ GATEWAY_WORKERS: '0' }), { name: 'TypeError', option: 'GATEWAY_WORKERS' })
})
