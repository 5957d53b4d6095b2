/**
 * A minimal Cognito-compatible authorization server: resource servers and scopes, app clients
 * with hashed secrets, the client_credentials grant, users with a login page, the authorization
 * code flow with PKCE, ID and refresh tokens, userInfo and revocation, a JWKS with a key per
 * algorithm, discovery, and key rotation that never rejects a valid token.
 *
 * @example
 * ```ts
 * import { addClient, addResourceServer, createConfig, createIssuer } from 'fastify-resource-server/issuer'
 *
 * let config = addResourceServer(createConfig(), { identifier: 'transactions', scopes: [{ name: 'get' }, { name: 'post' }] })
 * const { document, clientId, clientSecret } = await addClient(config, { scopes: ['transactions/post'] })
 * const app = await createIssuer({ config: document })
 * await app.listen({ port: 0, host: '127.0.0.1' })
 * console.log(app.issuer.urls.tokenEndpoint)
 * ```
 */
export { createIssuer, type IssuerControl, type IssuerInstance } from './server.js'
export { ISSUER_DEFAULTS, type CreateIssuerOptions } from './options.js'
export {
  validateConfig, CONFIG_LIMITS,
  type IssuerConfig, type ResourceServerConfig, type ScopeConfig, type ClientConfig, type OAuthFlow, type ResolvedConfig, type ResolvedClient
} from './config/config.js'
export type { UserConfig, ResolvedUser, UserAttributes } from './users/user-config.js'
export type { User, UserStore } from './users/user-store.js'
export { configUserStore } from './users/config-user-store.js'
export {
  addUser, setUserPassword, removeUser, addUserToFile, setUserPasswordInFile, removeUserFromFile, PASSWORD_LIMITS, type NewUser
} from './users/user-admin.js'
export type { UserTokenResponse } from './flow/issue-tokens.js'
export { loadConfigFile, saveConfigFile, type LoadedConfig } from './config/config-file.js'
export {
  createConfig, addResourceServer, addClient, initConfigFile, addResourceServerToFile, addClientToFile, rotateKeyFile,
  type NewResourceServer, type NewClient, type CreatedClient, type CreatedPublicClient, type RotateKeyFileOptions
} from './config/admin.js'
export { hashSecret, verifySecret, parseSecretHash, DEFAULT_SCRYPT_PARAMS, type ScryptParams, type SecretHash } from './clients/secrets.js'
export { generateClientId, generateClientSecret, generatePoolId } from './config/ids.js'
export { KEY_ALGORITHMS, CLIENT_SIGNING_ALGORITHMS, type ClientSigningAlgorithm, type KeyAlgorithm, type KeyState, type KeyRecord, type KeyDocument } from './keys/key-file.js'
export { ROTATION_DEFAULTS, type RotationOptions, type RotationResult } from './keys/rotation.js'
export type { IssuerUrls } from './endpoints/issuer-url.js'
export type { IssuerMetadata } from './endpoints/discovery.js'
export type { TokenResponse } from './endpoints/token-endpoint.js'
export { OAUTH_ERROR_CODES, type OAuthErrorCode } from './endpoints/oauth-errors.js'
export { runCli, USAGE, CLI_DEFAULTS, type CliIo } from './cli/cli-main.js'
export { IssuerConfigError, IssuerFileError, IssuerUsageError, IssuerNotListeningError, ISSUER_ERROR_CODES } from './errors.js'
