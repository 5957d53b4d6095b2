/**
 * Every route a Fastify instance serves, with its config and the instance it was declared on,
 * read once at start-up.
 *
 * Fastify tells `onRoute` hooks of each route as it is declared, so a plugin never hears of the
 * routes declared before it: before `register()` in its context, or right after a `register()`
 * that was not awaited, since a plugin loads later. Fastify 5 has no method that lists routes
 * with their options; `printRoutes()` is the one public method that walks them all, and it hands
 * each route, its Fastify context as `store`, to a metadata callback. This reads the contexts
 * through that callback, and prints nothing.
 *
 * It depends on find-my-way calling `options.buildPrettyMeta(route)` for each route of the tree,
 * with the route's context (`config`, `server`) as `route.store`, as Fastify 5 with find-my-way 9
 * does; test/fastify/declared-routes.test.ts holds it to that. Should a later version stop, no
 * route is found (and routes declared before the plugin are checked at their first request, as
 * they were before).
 */
import type { FastifyInstance } from 'fastify'

/** A route as Fastify keeps it. */
export interface DeclaredRoute {
  /** The route's `config`, which Fastify completes with its `url` and `method`. */
  readonly config: Readonly<Record<string, unknown>>
  /** The instance the route was declared on: the encapsulation context whose hooks it runs. */
  readonly server: unknown
}

interface PrettyPrintedRoute {
  readonly store?: { readonly config?: unknown, readonly server?: unknown } | null
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/**
 * The routes `fastify`'s server holds, every context included.
 *
 * @example
 * ```ts
 * fastify.addHook('onReady', async () => { for (const route of declaredRoutes(fastify)) check(route.config) })
 * ```
 */
export function declaredRoutes (fastify: Pick<FastifyInstance, 'printRoutes'>): DeclaredRoute[] {
  const routes: DeclaredRoute[] = []
  const collect = ({ store }: PrettyPrintedRoute): Record<string, never> => {
    if (isObject(store) && isObject(store.config)) routes.push({ config: store.config, server: store.server })
    return {}
  }
  // printRoutes sets its own callback on the options it is given; this property keeps ours.
  const options = Object.defineProperty({ includeMeta: true }, 'buildPrettyMeta', { get: () => collect, set: () => {} })
  try {
    fastify.printRoutes(options)
  } catch {
    // A listing is a help, not a need: without it, routes are checked at their first request.
  }
  return routes
}
