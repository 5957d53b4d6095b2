/**
 * One gateway worker under node:cluster: reads its spec from the environment, listens on the
 * shared port, reports the port to the primary, and closes cleanly on SIGTERM.
 */
import type { AddressInfo } from 'node:net'
import { buildGateway } from '../src/gateway/gateway.js'
import { listenOrExplain } from '../src/gateway/listen.js'
import type { WorkerSpec } from './cluster.js'

const spec = JSON.parse(process.env.GATEWAY_WORKER_SPEC as string) as WorkerSpec & { port: number, host: string }
try {
  const gateway = await buildGateway({ config: spec.config, auth: spec.auth, fastify: { logger: spec.logger === true } })
  await listenOrExplain(gateway, { port: spec.port, host: spec.host }, 'GATEWAY_PORT')
  process.once('SIGTERM', () => { void gateway.close().then(() => process.exit(0)) })
  process.send?.({ port: (gateway.server.address() as AddressInfo).port })
} catch (err) {
  process.send?.({ error: (err as Error).message })
  process.exit(1)
}
