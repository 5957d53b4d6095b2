/**
 * `GATEWAY_WORKERS`: several gateway processes sharing one port through node:cluster. Each worker
 * is a full gateway with its own JWKS and token caches; nothing is shared, so the same holds
 * across machines behind any load balancer.
 */
import cluster, { type Worker } from 'node:cluster'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { GatewayConfig } from '../src/gateway/config.js'
import type { ResourceServerOptions } from '../src/index.js'

/** What each worker needs; it crosses a process boundary, so it is plain JSON. */
export interface WorkerSpec {
  config: GatewayConfig
  auth: Pick<ResourceServerOptions, 'issuer' | 'clientId'>
  logger?: boolean
}

/** The running workers. */
export interface GatewayWorkers {
  readonly port: number
  readonly workers: readonly Worker[]
  close: () => Promise<void>
}

// The worker entry point sits beside this file, compiled (.js) or not (.ts, under a loader).
const WORKER = fileURLToPath(new URL(`./gateway-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url))

/** Forks `count` gateway workers listening on one port; resolves once all listen. */
export async function startGatewayWorkers (options: { count: number, port: number, host: string, gateway: WorkerSpec }): Promise<GatewayWorkers> {
  cluster.setupPrimary({ exec: WORKER })
  const env = { GATEWAY_WORKER_SPEC: JSON.stringify({ ...options.gateway, port: options.port, host: options.host }) }
  const workers = Array.from({ length: options.count }, () => cluster.fork(env))
  const close = async (): Promise<void> => {
    await Promise.all(workers.map(async (worker) => {
      if (worker.isDead()) return
      await new Promise<void>((resolve) => {
        worker.once('exit', () => { resolve() })
        worker.kill('SIGTERM')
      })
    }))
  }
  let ports: number[]
  try {
    ports = await Promise.all(workers.map(async (worker) => await new Promise<number>((resolve, reject) => {
      let reason = 'it exited before listening'
      worker.on('message', (message: { port?: number, error?: string }) => {
        if (typeof message.port === 'number') resolve(message.port)
        else reason = String(message.error)
      })
      worker.once('exit', (code) => { reject(new Error(`a gateway worker failed to start: ${reason} (exit code ${String(code)})`)) })
    })))
  } catch (err) {
    // One worker failed: stop the others rather than leave a half-started gateway behind.
    await close()
    throw err
  }
  return { port: ports[0] as number, workers, close }
}
