/**
 * What a server under test is: a builder that makes a Fastify instance in the child process.
 * The child adds the one shared route afterwards unless the builder serves it itself.
 */
import Fastify, { type FastifyInstance } from 'fastify'

/** Everything a builder is told, as JSON across the fork. */
export interface AppContext {
  /** The loopback JWKS document. */
  readonly jwksUri: string
  /** The same, as an issuer-like base ending in a slash (get-jwks's `domain`). */
  readonly jwksBase: string
  /** The origin of the upstream server, for proxy rows (see scenarios/registry.ts, row 7). */
  readonly upstream?: string
  /** Per-scenario options, for example a cache switch. */
  readonly options: Readonly<Record<string, unknown>>
}

/** What a builder hands back: the instance to listen with, and counters the bench reads through IPC. */
export interface BuiltApp {
  readonly app: FastifyInstance
  /** Counters such as `jwksFetchCount`; read when the bench asks for stats. */
  readonly stats?: () => Record<string, number>
  /** True when the builder declared the bench route itself (a proxy, for example). */
  readonly ownsRoute?: boolean
}

export type AppBuilder = (context: AppContext) => Promise<BuiltApp>

/** The Fastify every row runs on: the same version and options (logger off) for all. */
export function benchFastify (): FastifyInstance {
  return Fastify({ logger: false })
}
