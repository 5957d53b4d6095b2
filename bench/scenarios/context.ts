// What every phase of a run shares: the settings, the tokens, the JWKS server, and a logger.
import type { BenchConfig } from '../config.js'
import type { JwksServer } from '../jwks.js'
import type { ServerSpec } from '../server.js'
import type { TokenMaterial } from '../tokens.js'
import type { AppName } from '../apps/index.js'

export interface RunContext {
  readonly config: BenchConfig
  readonly tokens: TokenMaterial
  readonly jwks: JwksServer
  readonly log: (message: string) => void
}

export function specFor (ctx: RunContext, app: AppName, options: Readonly<Record<string, unknown>> = {}, upstream?: string): ServerSpec {
  return { app, options, jwksUri: ctx.jwks.jwksUri, jwksBase: ctx.jwks.base, ...(upstream === undefined ? {} : { upstream }) }
}
