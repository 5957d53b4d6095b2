/**
 * The public documents: the JWKS (`<issuer>/.well-known/jwks.json`, public keys only) and the
 * discovery metadata (`<issuer>/.well-known/openid-configuration`, as Cognito serves it, and the
 * same document at RFC 8414's `/.well-known/oauth-authorization-server/<poolId>`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { JWK } from 'jose'
import { OIDC_SCOPES } from '../config/config.js'
import { STANDARD_ATTRIBUTES } from '../users/user-config.js'
import { methodNotAllowed } from './method-not-allowed.js'
import { GRANT_TYPES } from './token-endpoint.js'

const CLAIMS = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'cognito:username', 'cognito:groups', ...STANDARD_ATTRIBUTES]
import type { IssuerRouteContext } from './route-context.js'

/** What the discovery routes need from the issuer. */
export interface DiscoveryContext extends IssuerRouteContext {
  /** `Cache-Control: max-age`, in seconds. */
  readonly maxAgeSeconds: number
}

/** The discovery metadata (OpenID Connect Discovery 1.0 §3, RFC 8414 §2). */
export interface IssuerMetadata {
  readonly issuer: string
  readonly authorization_endpoint: string
  readonly token_endpoint: string
  readonly userinfo_endpoint: string
  readonly revocation_endpoint: string
  readonly end_session_endpoint: string
  readonly jwks_uri: string
  readonly grant_types_supported: readonly string[]
  readonly response_types_supported: readonly ['code']
  readonly response_modes_supported: readonly ['query']
  readonly code_challenge_methods_supported: readonly ['S256']
  readonly token_endpoint_auth_methods_supported: readonly ['client_secret_basic', 'client_secret_post', 'none']
  readonly revocation_endpoint_auth_methods_supported: readonly ['client_secret_basic', 'client_secret_post', 'none']
  /** Every declared scope, and `openid`, `email`, `profile`. */
  readonly scopes_supported: readonly string[]
  readonly subject_types_supported: readonly ['public']
  /** The algorithms of the published keys: each client's tokens are signed with one of them. */
  readonly id_token_signing_alg_values_supported: readonly string[]
  readonly claims_supported: readonly string[]
}

/** Registers the JWKS and discovery routes on `app`. */
export function registerDiscovery (app: FastifyInstance, ctx: DiscoveryContext): void {
  const pool = ctx.config.poolId
  const cache = (reply: FastifyReply): FastifyReply => reply.header('cache-control', `public, max-age=${ctx.maxAgeSeconds}`)

  async function publishedKeys (): Promise<JWK[]> {
    await ctx.keys.refresh()
    return ctx.keys.roles(ctx.clock()).published.map((key) => key.publicJwk)
  }

  const jwksPath = `/${pool}/.well-known/jwks.json`
  app.get(jwksPath, async (_request, reply) => {
    cache(reply)
    return { keys: await publishedKeys() }
  })

  async function metadata (_request: unknown, reply: FastifyReply): Promise<IssuerMetadata> {
    const urls = ctx.urls()
    const algorithms = [...new Set((await publishedKeys()).map((jwk) => jwk.alg as string))]
    cache(reply)
    const authMethods = ['client_secret_basic', 'client_secret_post', 'none'] as const
    return {
      issuer: urls.issuer,
      authorization_endpoint: urls.authorizationEndpoint,
      token_endpoint: urls.tokenEndpoint,
      userinfo_endpoint: urls.userInfoEndpoint,
      revocation_endpoint: urls.revocationEndpoint,
      end_session_endpoint: urls.logoutEndpoint,
      jwks_uri: urls.jwksUri,
      grant_types_supported: GRANT_TYPES,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_methods_supported: authMethods,
      scopes_supported: [...OIDC_SCOPES, ...ctx.config.scopes],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: algorithms,
      claims_supported: CLAIMS
    }
  }
  const oidcPath = `/${pool}/.well-known/openid-configuration`
  const rfc8414Path = `/.well-known/oauth-authorization-server/${pool}`
  app.get(oidcPath, metadata)
  app.get(rfc8414Path, metadata)
  for (const path of [jwksPath, oidcPath, rfc8414Path]) methodNotAllowed(app, path, ['GET', 'HEAD'])
}
