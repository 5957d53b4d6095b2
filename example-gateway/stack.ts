/**
 * The whole demo on loopback: the minimal issuer, the transactions upstream and the gateway,
 * with a generated configuration (resource server `transactions` with scopes get and post; one
 * client allowed both, one allowed only get), and for people: a demo user, a code-flow client
 * and the demo relying party that signs the user in. `npm start` and `npm run demo` both use it.
 */
import { randomBytes } from 'node:crypto'
import { addClient, addResourceServer, addUser, createConfig, createIssuer, type IssuerInstance } from '../src/issuer/index.js'
import { buildRelyingParty, type RelyingPartySettings } from './relying-party.js'
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
  /** The demo relying party. Default 9002 (env `RP_PORT`). */
  relyingPartyPort?: number
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
  readonly clients: { readonly full: DemoClient, readonly readOnly: DemoClient, readonly monitoring: DemoClient }
  /** The demo relying party's home page, and the URL that starts a sign-in there. */
  readonly relyingPartyUrl: string
  readonly loginUrl: string
  /** The demo user, password included: printed once by `npm start`. */
  readonly user: { readonly username: string, readonly password: string }
  /** The relying party's code-flow client (ES256-signed tokens). */
  readonly webClient: DemoClient & { readonly callbackUrl: string }
  close: () => Promise<void>
}

export const STACK_DEFAULTS = Object.freeze({ issuerPort: 9000, upstreamPort: 9001, gatewayPort: 8080, relyingPartyPort: 9002, workers: 1 })
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
  config = addResourceServer(config, { identifier: 'metrics', name: 'metrics', scopes: [{ name: 'read', description: 'read the gateway metrics' }] })
  const full = await addClient(config, { clientName: 'demo-full', scopes: ['transactions/get', 'transactions/post'] })
  const readOnly = await addClient(full.document, { clientName: 'demo-read-only', scopes: ['transactions/get'] })
  const monitoring = await addClient(readOnly.document, { clientName: 'demo-monitoring', scopes: ['metrics/read'] })
  config = monitoring.document

  const started: Array<{ close: () => Promise<unknown> }> = []
  const close = async (): Promise<void> => {
    for (const s of started.reverse()) await s.close()
  }
  try {
    // The relying party listens first: its callback URL goes into the issuer's configuration.
    let rpSettings: RelyingPartySettings | undefined
    const rp = buildRelyingParty(() => rpSettings as RelyingPartySettings, { logger: o.logger })
    await listenOrExplain(rp, { port: o.relyingPartyPort, host: HOST }, 'RP_PORT')
    started.push(rp)
    const rpUrl = `http://${HOST}:${port(rp)}`
    const webScopes = ['openid', 'email', 'profile', 'transactions/get', 'transactions/post']
    const web = await addClient(config, {
      clientName: 'demo-web',
      flow: 'code',
      scopes: webScopes,
      callbackURLs: [`${rpUrl}/callback`],
      logoutURLs: [`${rpUrl}/signed-out`],
      signingAlgorithm: 'ES256'
    })
    const user = { username: 'demo', password: randomBytes(12).toString('base64url') }
    config = (await addUser(web.document, { ...user, attributes: { email: 'demo@example.com', email_verified: true, name: 'Demo User' }, groups: ['demo'] })).document

    // A demo is signed into again and again from one machine: looser throttling than the default.
    const issuer: IssuerInstance = await createIssuer({ config, logger: o.logger, loginAttemptsPerUsername: 100, loginAttemptsPerAddress: 200 })
    await listenOrExplain(issuer, { port: o.issuerPort, host: HOST }, 'ISSUER_PORT')
    started.push(issuer)
    const urls = issuer.issuer.urls
    // The web client's tokens are ES256 (the FAPI point of the seed tutorial); the others RS256.
    const auth = { issuer: urls.issuer, clientId: [full.clientId, readOnly.clientId, monitoring.clientId, web.clientId], algorithms: ['RS256', 'ES256'] as Array<'RS256' | 'ES256'> }

    const upstream = await buildTransactionsService({ auth, fastify: { logger: o.logger } })
    await listenOrExplain(upstream, { port: o.upstreamPort, host: HOST }, 'UPSTREAM_PORT')
    started.push(upstream)
    const upstreamUrl = `http://${HOST}:${port(upstream)}`

    const gatewayConfig: GatewayConfig = {
      routes: [{ prefix: '/transactions', upstream: upstreamUrl, methods: { GET: ['transactions/get'], POST: ['transactions/post'] } }],
      rateLimit: DEMO_RATE_LIMIT,
      // Prometheus text for a scraper holding a metrics/read token (client_credentials).
      metrics: { auth: { scopes: ['metrics/read'] } }
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
    rpSettings = {
      issuer: urls.issuer,
      authorizationEndpoint: urls.authorizationEndpoint,
      tokenEndpoint: urls.tokenEndpoint,
      jwksUri: urls.jwksUri,
      logoutEndpoint: urls.logoutEndpoint,
      clientId: web.clientId,
      clientSecret: web.clientSecret,
      scope: webScopes.join(' '),
      callbackUrl: `${rpUrl}/callback`,
      signedOutUrl: `${rpUrl}/signed-out`,
      resourceUrl: `http://${HOST}:${gatewayPort}/transactions`
    }
    return {
      issuer: urls.issuer,
      tokenEndpoint: urls.tokenEndpoint,
      discoveryUrl: urls.discoveryUrl,
      upstreamUrl,
      gatewayUrl: `http://${HOST}:${gatewayPort}`,
      clients: {
        full: { clientId: full.clientId, clientSecret: full.clientSecret, scopes: ['transactions/get', 'transactions/post'] },
        readOnly: { clientId: readOnly.clientId, clientSecret: readOnly.clientSecret, scopes: ['transactions/get'] },
        monitoring: { clientId: monitoring.clientId, clientSecret: monitoring.clientSecret, scopes: ['metrics/read'] }
      },
      relyingPartyUrl: rpUrl,
      loginUrl: `${rpUrl}/sign-in`,
      user,
      webClient: { clientId: web.clientId, clientSecret: web.clientSecret, scopes: webScopes, callbackUrl: `${rpUrl}/callback` },
      close
    }
  } catch (err) {
    await close()
    throw err
  }
}
