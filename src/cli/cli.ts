#!/usr/bin/env node
/**
 * The executable `fastify-resource-server` (see cli-main.ts): `explain <token | ->` says whether
 * the plugin would accept a token, and why not.
 *
 * @example
 * ```sh
 * fastify-resource-server explain "$TOKEN" --user-pool-id eu-west-1_AbC123 --client-id my-client --scope transactions/post
 * pbpaste | fastify-resource-server explain - --issuer https://issuer.example --jwks jwks.json --any-client --json
 * ```
 */
import { runCli } from './cli-main.js'
import { stdio } from './stdio.js'

process.exitCode = await runCli(process.argv.slice(2), stdio)
