/**
 * `createIssuer`: a minimal Cognito-compatible authorization server, as a Fastify instance that is
 * not listening yet: the client_credentials grant for services, and for users the authorization
 * code flow with PKCE behind a login page, ID and refresh tokens, userInfo, revocation and logout.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { JWK } from 'jose'
import { redactingLogger } from '../logging/logger-options.js'
import { OptionError } from '../verifier/errors.js'
import { loadConfigFile } from './config/config-file.js'
import { validateConfig, type ResolvedConfig } from './config/config.js'
import { registerDiscovery } from './endpoints/discovery.js'
import { issuerUrls, type IssuerUrls } from './endpoints/issuer-url.js'
import type { KeyAlgorithm } from './keys/key-file.js'
import { KeyStore } from './keys/key-store.js'
import { integerOption, resolveIssuerOptions, type CreateIssuerOptions } from './options.js'
import type { RotationResult } from './keys/rotation.js'
import { registerTokenEndpoint } from './endpoints/token-endpoint.js'
import { registerAuthorize } from './endpoints/authorize.js'
import { registerLogout } from './endpoints/logout.js'
import { registerRevoke } from './endpoints/revoke.js'
import { registerUserInfo } from './endpoints/userinfo.js'
import { RefreshStore } from './flow/refresh-store.js'
import { userFlowState, type UserFlowContext } from './flow/user-flow.js'
import { registerLogin } from './login/login-endpoint.js'
import { configUserStore } from './users/config-user-store.js'

/** The issuer's controls, as `app.issuer`. */
export interface IssuerControl {
  /** The validated configuration. */
  readonly config: ResolvedConfig
  /**
   * The issuer URL, token endpoint, JWKS and discovery URLs.
   *
   * @throws {IssuerNotListeningError} before `listen()` resolves, unless `issuerUrl` was given.
   */
  readonly urls: IssuerUrls
  /** The published JWKS at this moment (public keys only). */
  jwks: () => { keys: JWK[] }
  /**
   * Starts a key rotation: a new key is published now and signs from `publishLeadSeconds` on; the
   * old key stays published until every token it signed has expired. Writes the key file.
   * A rotation that is still waiting to activate is returned as is (`added: false`).
   */
  rotateKeys: (options?: { publishLeadSeconds?: number, algorithm?: KeyAlgorithm }) => Promise<RotationResult>
  /** Re-reads the key file now (it is also re-read every `keyFileCheckIntervalMs`). */
  reloadKeys: () => Promise<void>
}

/** A Fastify instance serving an issuer. */
export type IssuerInstance = FastifyInstance & { readonly issuer: IssuerControl }

/**
 * Creates the issuer: loads and validates the configuration, opens (or creates) the key file and
 * the refresh-token store, and registers `POST /oauth2/token` (the client_credentials,
 * authorization_code and refresh_token grants), `GET /oauth2/authorize`, `GET`/`POST /login`,
 * `GET`/`POST /oauth2/userInfo`, `POST /oauth2/revoke`, `GET /logout`,
 * `GET /<poolId>/.well-known/jwks.json`, `GET /<poolId>/.well-known/openid-configuration` and the
 * same metadata at `GET /.well-known/oauth-authorization-server/<poolId>`. Call `listen()` on the
 * result.
 *
 * @throws {OptionError} naming a wrong option.
 * @throws {IssuerConfigError} naming a wrong config or key-file field.
 * @throws {IssuerFileError} when a file cannot be read or created.
 *
 * @example
 * ```ts
 * const app = await createIssuer({ configFile: 'issuer.json', keyFile: 'issuer-keys.json' })
 * await app.listen({ port: 9229, host: '127.0.0.1' })
 * console.log(app.issuer.urls.tokenEndpoint) // http://127.0.0.1:9229/oauth2/token
 * ```
 */
export async function createIssuer (options: CreateIssuerOptions): Promise<IssuerInstance> {
  const o = resolveIssuerOptions(options)
  const config = o.configFile === undefined ? validateConfig(o.config) : (await loadConfigFile(o.configFile)).resolved
  if (o.issuerUrl !== undefined && !o.issuerUrl.pathname.endsWith(`/${config.poolId}`)) {
    throw new OptionError('issuerUrl', `must end with the pool id, /${config.poolId} (got ${o.issuerUrl.href})`)
  }

  // A credential a client puts in a URL never reaches the log (see src/logging).
  const app = Fastify({ logger: redactingLogger(o.logger), bodyLimit: o.bodyLimitBytes })
  const retireAfterMs = (config.maxTokenValiditySeconds + o.retireMarginSeconds) * 1000
  const keys = await KeyStore.open({
    keyFile: o.keyFile,
    algorithm: o.algorithm,
    algorithms: [...new Set([...config.clients.values()].flatMap((c) => c.signingAlgorithm === undefined ? [] : [c.signingAlgorithm]))],
    clock: o.clock,
    checkIntervalMs: o.keyFileCheckIntervalMs,
    retireAfterMs,
    log: app.log
  })
  const urls = (): IssuerUrls => issuerUrls(app.server, config.poolId, o.issuerUrl)

  const control: IssuerControl = {
    config,
    get urls () { return urls() },
    jwks: () => ({ keys: keys.roles(o.clock()).published.map((key) => key.publicJwk) }),
    rotateKeys: async (rotation = {}) => {
      const lead = integerOption('publishLeadSeconds', rotation.publishLeadSeconds, o.publishLeadSeconds, 0, 86_400)
      const result = await keys.rotate(lead * 1000, rotation.algorithm ?? options.algorithm)
      app.log.info({ next: result.next.kid, activateAt: result.next.activateAt, added: result.added }, 'key rotation scheduled')
      return result
    },
    reloadKeys: () => keys.reload()
  }
  app.decorate('issuer', control)

  const flow: UserFlowContext = {
    config,
    keys,
    urls,
    clock: o.clock,
    users: o.users ?? configUserStore(config.users),
    refresh: await RefreshStore.open(o.refreshTokenFile, o.clock),
    ...userFlowState(o.clock)
  }
  await registerTokenEndpoint(app, { ...flow, bodyLimitBytes: o.bodyLimitBytes })
  await registerRevoke(app, { ...flow, bodyLimitBytes: o.bodyLimitBytes })
  await registerUserInfo(app, flow)
  registerAuthorize(app, flow)
  await registerLogin(app, { ...flow, login: o.login })
  registerLogout(app, flow)
  registerDiscovery(app, { config, keys, urls, clock: o.clock, maxAgeSeconds: o.jwksMaxAgeSeconds })
  return app as unknown as IssuerInstance
}
