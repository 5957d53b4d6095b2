/**
 * What a route asks of the plugin, through `config.auth`:
 *
 * - absent: a valid token is required (secure by default);
 * - `false`: the route is public;
 * - an object: requirements (scopes, groups, claims, token_use), and `optional: true` to let requests
 *   without a token through with `request.auth === null` (a bad token is still refused).
 */
import { OptionError } from '../verifier/errors.js'
import { describe } from '../verifier/option-value.js'
import { compileRequirements, type CompiledRequirements, type Requirements } from '../verifier/requirements.js'

/** The per-route `config.auth` object. */
export interface RouteAuthOptions extends Requirements {
  /** Let requests without any token through, with `request.auth` null. Default false. */
  optional?: boolean
}

/** A route's `config.auth` after checking. */
export interface CompiledRouteAuth {
  readonly public: boolean
  readonly optional: boolean
  readonly needs: CompiledRequirements
}

const REQUIRED: CompiledRouteAuth = Object.freeze({ public: false, optional: false, needs: compileRequirements('config.auth', {}) })
const PUBLIC: CompiledRouteAuth = Object.freeze({ public: true, optional: true, needs: REQUIRED.needs })

/** Which route a `config.auth` belongs to, as Fastify describes it (its `config` holds both). */
export interface RouteName {
  readonly method?: unknown
  readonly url?: unknown
}

/**
 * Checks the `config.auth` of the route `route`, naming the route in the TypeError, such as
 * `option "config.auth.scope" is not a known requirement (…) (got an array), on the route GET /x`.
 *
 * @throws {TypeError} naming `config.auth` or the member that is wrong, and the route.
 */
export function compileRouteAuthOf (auth: unknown, route: RouteName): CompiledRouteAuth {
  try {
    return compileRouteAuth(auth)
  } catch (err) {
    // An error of the application's own, such as a getter that throws, is not an option error.
    if (!(err instanceof OptionError)) throw err
    const method = Array.isArray(route.method) ? route.method.join(',') : String(route.method)
    throw new OptionError(err.option, `${err.expected}, on the route ${method} ${String(route.url)}`)
  }
}

/**
 * Checks a route's `config.auth` once.
 *
 * @throws {TypeError} naming `config.auth` or the member that is wrong.
 */
export function compileRouteAuth (auth: unknown): CompiledRouteAuth {
  if (auth === undefined) return REQUIRED
  if (auth === false) return PUBLIC
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) {
    throw new OptionError('config.auth', `must be false (a public route) or an object of requirements (got ${describe(auth)})`)
  }
  const { optional, ...requirements } = auth as RouteAuthOptions
  if (optional !== undefined && typeof optional !== 'boolean') throw new OptionError('config.auth.optional', `must be a boolean (got ${describe(optional)})`)
  return Object.freeze({ public: false, optional: optional === true, needs: compileRequirements('config.auth', requirements) })
}
