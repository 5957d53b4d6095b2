/**
 * The public documents: the JWKS (`<issuer>/.well-known/jwks.json`, public keys only) and the
 * discovery metadata (`<issuer>/.well-known/openid-configuration`, as Cognito serves it, and the
 * same document at RFC 8414's `/.well-known/oauth-authorization-server/<poolId>`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { JWK } from 'jose'
import { methodNotAllowed } from './method-not-allowed.js'
import type { IssuerRouteContext } from './route-context.js'

/** What the discovery routes need from the issuer. */
export interface DiscoveryContext extends IssuerRouteContext {
  /** `Cache-Control: max-age`, in seconds. */
  readonly maxAgeSeconds: number
}

/** The discovery metadata (OpenID Connect Discovery 1.0 §3, RFC 8414 §2). */
export interface IssuerMetadata {
  readonly issuer: string
  readonly jwks_uri: string
  readonly token_endpoint: string
  readonly grant_types_supported: readonly ['client_credentials']
  readonly token_endpoint_auth_methods_supported: readonly ['client_secret_basic', 'client_secret_post']
  readonly scopes_supported: readonly string[]
  /** Empty: there is no authorization endpoint, so no response type is supported. */
  readonly response_types_supported: readonly []
  readonly subject_types_supported: readonly ['public']
  /** The algorithms of the published keys; Cognito names its access-token algorithm here too. */
  readonly id_token_signing_alg_values_supported: readonly string[]
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
    return {
      issuer: urls.issuer,
      jwks_uri: urls.jwksUri,
      token_endpoint: urls.tokenEndpoint,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ctx.config.scopes,
      response_types_supported: [],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: algorithms
    }
  }
  const oidcPath = `/${pool}/.well-known/openid-configuration`
  const rfc8414Path = `/.well-known/oauth-authorization-server/${pool}`
  app.get(oidcPath, metadata)
  app.get(rfc8414Path, metadata)
  for (const path of [jwksPath, oidcPath, rfc8414Path]) methodNotAllowed(app, path, ['GET', 'HEAD'])
}
