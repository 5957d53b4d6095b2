#!/usr/bin/env node
/**
 * The gateway's executable, `fastify-resource-server-gateway --config gateway.json` (see
 * cli-main.ts). A started gateway closes cleanly on SIGINT and SIGTERM.
 *
 * @example
 * ```sh
 * GATEWAY_PORT=8080 LOG_LEVEL=warn fastify-resource-server-gateway --config gateway.json
 * ```
 */
import { runGatewayCli } from './cli-main.js'

process.exitCode = await runGatewayCli(process.argv.slice(2), process.env, {
  out: (text) => { process.stdout.write(`${text}\n`) },
  err: (text) => { process.stderr.write(`${text}\n`) },
  onStarted: (app) => {
    const stop = (): void => { void app.close() }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  }
})
