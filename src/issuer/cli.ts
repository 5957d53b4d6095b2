#!/usr/bin/env node
/**
 * The issuer's executable: `node dist/src/issuer/cli.js <command> [options]` (see cli-main.ts
 * for the commands). A started issuer closes cleanly on SIGINT and SIGTERM.
 *
 * @example
 * ```sh
 * node dist/src/issuer/cli.js init --resource-server transactions --scope get=get_tx --scope post=post_tx
 * node dist/src/issuer/cli.js add-client --name test --scope transactions/post
 * node dist/src/issuer/cli.js start
 * ```
 */
import { stdio } from '../cli/stdio.js'
import { runCli } from './cli/cli-main.js'

process.exitCode = await runCli(process.argv.slice(2), {
  ...stdio,
  onStarted: (app) => {
    const stop = (): void => { void app.close() }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  }
})
