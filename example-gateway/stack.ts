/**
 * The whole demo on loopback: the minimal issuer, the transactions upstream and the gateway,
 * with a generated configuration (resource server `transactions` with scopes get and post; one
 * client allowed both, one allowed only get). `npm start` and `npm run demo` both use it.
 */
import { addClient, addResourceServer, createConfig, createIssuer, type IssuerInstance } from '../src/issuer/index.js'
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import type { GatewayConfig } from '../src/gateway/config.js'
import { startGatewayWorkers, type GatewayWorkers } from './cluster.js'
import { buildGateway, type GatewayOptions } from '../src/gateway/gateway.js'
import { listenOrExplain } from '../src/gateway/listen.js'
import { buildTransactionsService } from './transactions-service.js'

/** Ports and sizes of the demo stack. Port 0 picks a free port. */
export interface StackOptions {
  /** Default 9000 (env `ISSUER_PORT`). */
  issuerPort?: number
  /** Default 9001 (env `UPSTREAM_PORT`). */
  upstreamPort?: number
  /** Default 8080 (env `GATEWAY_PORT`). */
  gatewayPort?: number
  /** Gateway worker processes through node:cluster. Default 1 (env `GATEWAY_WORKERS`): in-process. */
  workers?: number
  /** Log requests as JSON lines. Default false. */
  logger?: boolean
}

/** A client of the demo, secret included: printed once by `npm start`. */
export interface DemoClient { readonly clientId: string, readonly clientSecret: string, readonly scopes: readonly string[] }

/** The running stack. */
export interface DemoStack {
  readonly issuer: string
  readonly tokenEndpoint: string
  readonly discoveryUrl: string
  readonly upstreamUrl: string
  readonly gatewayUrl: string
  readonly clients: { readonly full: DemoClient, readonly readOnly: DemoClient }
  close: () => Promise<void>
}

export const STACK_DEFAULTS = Object.freeze({ issuerPort: 9000, upstreamPort: 9001, gatewayPort: 8080, workers: 1 })
const HOST = '127.0.0.1'
/** The demo gateway's limits: per client, and per address for refusals (in memory; see the README for Redis). */
export const DEMO_RATE_LIMIT = Object.freeze({ perClient: { max: 600, windowMs: 60_000 }, unauthenticated: { max: 120, windowMs: 60_000 } })

function port (server: FastifyInstance): number {
  return (server.server.address() as AddressInfo).port
}

/**
 * Starts the three servers; `close()` stops them in reverse order.
 *
 * @example
 * ```ts
 * const stack = await startDemoStack({ issuerPort: 0, upstreamPort: 0, gatewayPort: 0 })
 * console.log(stack.gatewayUrl, stack.clients.full.clientId)
 * await stack.close()
 * ```
 */
export async function startDemoStack (options: StackOptions = {}): Promise<DemoStack> {
  const o = { ...STACK_DEFAULTS, ...options }
  let config = addResourceServer(createConfig({ poolName: 'demo' }), {
    identifier: 'transactions',
    name: 'transactions',
    scopes: [{ name: 'get', description: 'get_tx' }, { name: 'post', description: 'post_tx' }]
  })
  const full = await addClient(config, { clientName: 'demo-full', scopes: ['transactions/get', 'transactions/post'] })
  const readOnly = await addClient(full.document, { clientName: 'demo-read-only', scopes: ['transactions/get'] })
  config = readOnly.document

  const started: Array<{ close: () => Promise<unknown> }> = []
  const close = async (): Promise<void> => {
    for (const s of started.reverse()) await s.close()
  }
  try {
    const issuer: IssuerInstance = await createIssuer({ config, logger: o.logger })
    await listenOrExplain(issuer, { port: o.issuerPort, host: HOST }, 'ISSUER_PORT')
    started.push(issuer)
    const urls = issuer.issuer.urls
    const auth = { issuer: urls.issuer, clientId: [full.clientId, readOnly.clientId] }

    const upstream = await buildTransactionsService({ auth, fastify: { logger: o.logger } })
    await listenOrExplain(upstream, { port: o.upstreamPort, host: HOST }, 'UPSTREAM_PORT')
    started.push(upstream)
    const upstreamUrl = `http://${HOST}:${port(upstream)}`

    const gatewayConfig: GatewayConfig = {
      routes: [{ prefix: '/transactions', upstream: upstreamUrl, methods: { GET: ['transactions/get'], POST: ['transactions/post'] } }],
      rateLimit: DEMO_RATE_LIMIT
    }
    const gatewayOptions: GatewayOptions = { config: gatewayConfig, auth, fastify: { logger: o.logger } }
    let gatewayPort: number
    if (o.workers > 1) {
      const workers: GatewayWorkers = await startGatewayWorkers({ count: o.workers, port: o.gatewayPort, host: HOST, gateway: { config: gatewayConfig, auth, logger: o.logger } })
      started.push(workers)
      gatewayPort = workers.port
    } else {
      const gateway = await buildGateway(gatewayOptions)
      await listenOrExplain(gateway, { port: o.gatewayPort, host: HOST }, 'GATEWAY_PORT')
      started.push(gateway)
      gatewayPort = port(gateway)
    }
    return {
      issuer: urls.issuer,
      tokenEndpoint: urls.tokenEndpoint,
      discoveryUrl: urls.discoveryUrl,
      upstreamUrl,
      gatewayUrl: `http://${HOST}:${gatewayPort}`,
      clients: {
        full: { clientId: full.clientId, clientSecret: full.clientSecret, scopes: ['transactions/get', 'transactions/post'] },
        readOnly: { clientId: readOnly.clientId, clientSecret: readOnly.clientSecret, scopes: ['transactions/get'] }
      },
      close
    }
  } catch (err) {
    await close()
    throw err
  }
}
