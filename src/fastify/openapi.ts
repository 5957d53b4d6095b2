/**
 * OpenAPI security from route requirements, for @fastify/swagger (or any generator that reads
 * route schemas). Nothing is imported from @fastify/swagger: an `onRoute` hook writes each
 * route's `schema.security`, which the generator copies into the operation, and the plugin hands
 * out the `oauth2` security scheme for the document's `components.securitySchemes`.
 *
 * In OpenAPI a security requirement object is the AND of its entries and the `security` array is
 * the OR of its objects (OpenAPI 3.x §4.8.10), so:
 * - a valid token, nothing more: `[{ oauth2: [] }]`;
 * - all-of scopes: one object listing every scope;
 * - any-of scopes: one object per alternative, each with the all-of scopes too; several any-of
 *   lists (config.auth and `authorize()` hooks) give their cross product, up to
 *   {@link MAX_ALTERNATIVES}; past that, only the all-of scopes, and the any-of lists go to the
 *   extension below;
 * - a public route: `[]`; an optional route adds the empty requirement `{}`.
 *
 * Groups, claims and `token_use` are no OAuth scopes: they go to the operation's
 * `x-resource-server-requirements` extension, one object per requirement set, all of which apply.
 */
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify'
import { OptionError } from '../verifier/errors.js'
import type { CompiledRequirements } from '../verifier/requirements.js'
import type { ResolvedOpenApiOptions } from './openapi-options.js'
import { compileRouteAuth } from './route-config.js'

/** An OpenAPI security requirement: scheme name to the scopes it needs. */
export type SecurityRequirement = Record<string, string[]>

/** The `oauth2` security scheme the plugin publishes (OpenAPI 3.x §4.8.27). */
export interface OAuth2SecurityScheme {
  type: 'oauth2'
  description: string
  flows: {
    clientCredentials: { tokenUrl: string, scopes: Record<string, string> }
    authorizationCode?: { authorizationUrl: string, tokenUrl: string, scopes: Record<string, string> }
  }
}

/** The operation extension that carries what OAuth scopes cannot say. */
export const REQUIREMENTS_EXTENSION = 'x-resource-server-requirements'
/** The most alternatives one operation's `security` lists. */
export const MAX_ALTERNATIVES = 64

const hookNeeds = new WeakMap<object, CompiledRequirements>()
const HOOK_KINDS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const

/** Remembers what a hook made by `authorize()` or `requireScopes()` requires, for the document. */
export function describeHook<T extends object> (hook: T, needs: CompiledRequirements): T {
  hookNeeds.set(hook, needs)
  return hook
}

/** Every requirement set that guards `route`, and whether a request may come without a token. */
function routeNeeds (route: RouteOptions): { sets: CompiledRequirements[], open: boolean } {
  const auth = compileRouteAuth(route.config?.auth)
  const sets = auth.public ? [] : [auth.needs]
  for (const kind of HOOK_KINDS) {
    const hooks: unknown = route[kind]
    for (const hook of Array.isArray(hooks) ? hooks : [hooks]) {
      const needs = hookNeeds.get(hook as object)
      if (needs !== undefined) sets.push(needs)
    }
  }
  // A hook authenticates by itself, even on a public or optional route.
  return { sets, open: auth.optional && sets.length === (auth.public ? 0 : 1) }
}

function isSubset (small: ReadonlySet<string>, big: ReadonlySet<string>): boolean {
  return small.size <= big.size && [...small].every((s) => big.has(s))
}

/** The scope sets that each satisfy `sets`, or undefined past {@link MAX_ALTERNATIVES}. */
function alternatives (sets: readonly CompiledRequirements[]): Array<Set<string>> | undefined {
  let result = [new Set(sets.flatMap((set) => set.scopes))]
  for (const set of sets) {
    if (set.anyScopes.length === 0) continue
    if (result.length * set.anyScopes.length > MAX_ALTERNATIVES) return undefined
    result = result.flatMap((alt) => set.anyScopes.map((scope) => new Set([...alt, scope])))
  }
  // A set that holds another is redundant: the smaller one already satisfies the route.
  return result.filter((alt, i) => !result.some((other, j) => j !== i && isSubset(other, alt) && (other.size < alt.size || j < i)))
}

function extension (sets: readonly CompiledRequirements[], scopesExpressed: boolean): Array<Record<string, unknown>> {
  return sets.map((set) => {
    const out: Record<string, unknown> = {}
    if (!scopesExpressed && set.anyScopes.length > 0) out.anyScopes = set.anyScopes
    if (set.groups.length > 0) out.groups = set.groups
    if (set.anyGroups.length > 0) out.anyGroups = set.anyGroups
    if (set.claims.length > 0) out.claims = Object.fromEntries(set.claims.map((c) => [c.path, c.values]))
    if (set.anyClaims.length > 0) out.anyClaims = Object.fromEntries(set.anyClaims.map((c) => [c.path, c.values]))
    if (set.tokenUse !== undefined) out.tokenUse = set.tokenUse
    return out
  }).filter((out) => Object.keys(out).length > 0)
}

/**
 * The `security` and extension of one route's operation.
 *
 * @example
 * ```ts
 * operationSecurity(route, 'oauth2').security // [{ oauth2: ['transactions/get'] }]
 * ```
 */
export function operationSecurity (route: RouteOptions, schemeName: string): { security: SecurityRequirement[], extension: Array<Record<string, unknown>>, scopes: string[] } {
  const { sets, open } = routeNeeds(route)
  if (sets.length === 0) return { security: [], extension: [], scopes: [] }
  const alts = alternatives(sets)
  const scopeSets = alts ?? [new Set(sets.flatMap((set) => set.scopes))]
  const security: SecurityRequirement[] = scopeSets.map((alt) => ({ [schemeName]: [...alt] }))
  if (open) security.push({})
  const scopes = [...new Set([...scopeSets.flatMap((alt) => [...alt]), ...sets.flatMap((set) => set.anyScopes)])]
  return { security, extension: extension(sets, alts !== undefined), scopes }
}

function oauth2Scheme (options: ResolvedOpenApiOptions): OAuth2SecurityScheme {
  const scheme: OAuth2SecurityScheme = {
    type: 'oauth2',
    description: 'OAuth 2.0 bearer access tokens (RFC 6750), in the Authorization header only.',
    flows: { clientCredentials: { tokenUrl: options.tokenUrl, scopes: { ...options.scopes } } }
  }
  if (options.authorizationUrl !== undefined) {
    scheme.flows.authorizationCode = { authorizationUrl: options.authorizationUrl, tokenUrl: options.tokenUrl, scopes: { ...options.scopes } }
  }
  return scheme
}

/**
 * Writes each route's OpenAPI security as it is declared, and decorates `openapiSecuritySchemes`
 * with the scheme, whose scope lists grow as routes are declared (@fastify/swagger keeps the
 * reference and reads it when it builds the document).
 */
export function registerOpenApi (fastify: FastifyInstance, options: ResolvedOpenApiOptions | undefined): void {
  if (options === undefined) {
    fastify.decorate('openapiSecuritySchemes', {})
    return
  }
  const scheme = oauth2Scheme(options)
  const schemes = { [options.schemeName]: scheme }
  let handedOut = false
  fastify.decorate('openapiSecuritySchemes', { getter () { handedOut = true; return schemes } })

  fastify.addHook('onRoute', (route) => {
    const { security, extension, scopes } = operationSecurity(route, options.schemeName)
    for (const flow of Object.values(scheme.flows)) {
      // The flows start with the described scopes; own members only, since a scope may be named
      // `constructor` or `toString`.
      for (const scope of scopes) if (!Object.hasOwn(flow.scopes, scope)) flow.scopes[scope] = ''
    }
    const schema = route.schema as Record<string, unknown> | undefined
    // A route's own security is the user's word; a schema object may be shared, so it is copied.
    if (schema?.security !== undefined) return
    route.schema = { ...schema, security, ...(extension.length > 0 ? { [REQUIREMENTS_EXTENSION]: extension } : {}) } as FastifySchema
  })

  fastify.addHook('onReady', async () => {
    if (!handedOut && fastify.hasDecorator('swagger')) {
      throw new OptionError('openapi', 'is set, but @fastify/swagger was not given the scheme: pass ' +
        'app.openapiSecuritySchemes as its openapi.components.securitySchemes, or the document cannot be built')
    }
  })
}
