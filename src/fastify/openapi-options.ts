/**
 * The plugin's `openapi` option: where the OAuth 2.0 flows of the generated security scheme point.
 *
 * A Cognito user pool's token endpoint lives on its domain (`https://<prefix>.auth.<region>.
 * amazoncognito.com` or a custom domain), not under its issuer URL, so it cannot be derived from
 * `userPoolId` alone: the domain is given once, and both endpoints follow from it. Checked at
 * registration, like every other option.
 */
import { OptionError } from '../verifier/errors.js'
import { describe } from '../verifier/option-value.js'
import { isTrustedKeyUrl } from '../verifier/options.js'
import { compileRequirements } from '../verifier/requirements.js'

/** How the generated OpenAPI security scheme describes the authorization server. */
export interface OpenApiOptions {
  /** The scheme's name under `components.securitySchemes`. Default `'oauth2'`. */
  schemeName?: string
  /**
   * A Cognito domain (or any Cognito-compatible server's base URL): a full URL such as
   * `https://auth.example.com`, or, beside `userPoolId`, the domain prefix alone (`my-app` becomes
   * `https://my-app.auth.<region>.amazoncognito.com`). Gives `<domain>/oauth2/token` and
   * `<domain>/oauth2/authorize`.
   */
  cognitoDomain?: string
  /** The token endpoint, for the client_credentials flow. Required unless `cognitoDomain` is given. */
  tokenUrl?: string
  /** The authorization endpoint: adds the authorization-code flow. `null` leaves it out even with `cognitoDomain`. */
  authorizationUrl?: string | null
  /** Descriptions of scopes, for the flows' scope lists. Every scope a route requires is listed anyway. */
  scopes?: Readonly<Record<string, string>>
}

/** The `openapi` option after checking. */
export interface ResolvedOpenApiOptions {
  readonly schemeName: string
  readonly tokenUrl: string
  readonly authorizationUrl: string | undefined
  readonly scopes: Readonly<Record<string, string>>
}

const KEYS = new Set(['schemeName', 'cognitoDomain', 'tokenUrl', 'authorizationUrl', 'scopes'])
// OpenAPI 3.x §4.8.7.1: the keys of components must match this.
const COMPONENT_NAME = /^[A-Za-z0-9._-]{1,64}$/
// Cognito's rule for a domain prefix: lowercase letters, digits and inner hyphens, at most 63.
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

function endpoint (name: string, value: unknown): URL {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined
  if (url === undefined || !isTrustedKeyUrl(url) || url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new OptionError(name, `must be an https URL (plain http only on loopback) without credentials or fragment (got ${typeof value === 'string' ? JSON.stringify(value) : typeof value})`)
  }
  return url
}

function poolRegion (userPoolId: unknown): string | undefined {
  const pools = typeof userPoolId === 'string' ? [userPoolId] : Array.isArray(userPoolId) ? userPoolId as unknown[] : []
  const regions = new Set(pools.map((pool) => String(pool).split('_')[0]))
  return regions.size === 1 ? [...regions][0] : undefined
}

function cognitoBase (value: unknown, userPoolId: unknown): string {
  if (typeof value === 'string' && DOMAIN_PREFIX.test(value)) {
    const region = poolRegion(userPoolId)
    if (region === undefined) {
      throw new OptionError('openapi.cognitoDomain', `is a domain prefix (${JSON.stringify(value)}), which needs userPoolId in one region; give the full domain URL instead`)
    }
    return `https://${value}.auth.${region}.amazoncognito.com`
  }
  const url = endpoint('openapi.cognitoDomain', value)
  if (url.pathname !== '/' || url.search !== '') throw new OptionError('openapi.cognitoDomain', `must be a domain without a path or query (got ${JSON.stringify(value)})`)
  return url.origin
}

function descriptions (value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((d) => typeof d === 'string')) {
    throw new OptionError('openapi.scopes', `must be an object of scopes and their descriptions (strings) (got ${describe(value)})`)
  }
  compileRequirements('openapi', { scopes: Object.keys(value) })
  return Object.freeze({ ...value as Record<string, string> })
}

/**
 * Checks the `openapi` option once, at registration.
 *
 * @param userPoolId - the plugin's `userPoolId`, whose region completes a domain prefix.
 * @throws {TypeError} naming `openapi` or the member that is wrong.
 * @example
 * ```ts
 * resolveOpenApiOptions({ cognitoDomain: 'my-app' }, 'eu-west-1_AbC123').tokenUrl
 * // 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token'
 * ```
 */
export function resolveOpenApiOptions (input: unknown, userPoolId: unknown): ResolvedOpenApiOptions | undefined {
  if (input === undefined) return undefined
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new OptionError('openapi', `must be an object (got ${describe(input)})`)
  for (const [key, value] of Object.entries(input)) if (!KEYS.has(key) && value !== undefined) throw new OptionError(`openapi.${key}`, 'is not a known option')
  const options = input as OpenApiOptions
  const schemeName = options.schemeName ?? 'oauth2'
  if (typeof schemeName !== 'string' || !COMPONENT_NAME.test(schemeName)) {
    throw new OptionError('openapi.schemeName', `must be 1 to 64 letters, digits, dots, hyphens or underscores (an OpenAPI component name) (got ${describe(schemeName)})`)
  }
  const base = options.cognitoDomain === undefined ? undefined : cognitoBase(options.cognitoDomain, userPoolId)
  const tokenUrl = options.tokenUrl ?? (base === undefined ? undefined : `${base}/oauth2/token`)
  if (tokenUrl === undefined) throw new OptionError('openapi.tokenUrl', 'is required, or openapi.cognitoDomain: the scheme must say where tokens are obtained')
  const authorizationUrl = options.authorizationUrl === undefined && base !== undefined ? `${base}/oauth2/authorize` : options.authorizationUrl ?? undefined
  return Object.freeze({
    schemeName,
    tokenUrl: endpoint('openapi.tokenUrl', tokenUrl).href,
    authorizationUrl: authorizationUrl === undefined ? undefined : endpoint('openapi.authorizationUrl', authorizationUrl).href,
    scopes: descriptions(options.scopes)
  })
}
