/**
 * Authenticating the client of a token request, and deciding which scopes it gets.
 *
 * Unknown clients cost the same scrypt as known ones (against a throwaway hash), so the answer
 * time does not reveal which client ids exist; both failures get the same `invalid_client` reply.
 * Public clients (no secret) name themselves with `client_id` alone and must use PKCE.
 */
import type { ResolvedClient, ResolvedConfig } from '../config/config.js'
import { generateClientSecret } from '../config/ids.js'
import { OAuthError } from '../endpoints/oauth-errors.js'
import type { PresentedCredentials } from '../endpoints/token-request.js'
import { hashSecret, parseSecretHash, verifySecret, type SecretHash } from './secrets.js'

let decoy: Promise<SecretHash> | undefined

function decoyHash (): Promise<SecretHash> {
  decoy ??= hashSecret(generateClientSecret()).then((text) => parseSecretHash(text) as SecretHash)
  return decoy
}

/**
 * The client whose credentials were presented.
 *
 * @throws {OAuthError} `invalid_client` for an unknown client or a wrong secret.
 */
export async function authenticateClient (config: ResolvedConfig, credentials: PresentedCredentials): Promise<ResolvedClient> {
  const client = config.clients.get(credentials.clientId)
  if (credentials.clientSecret === undefined) {
    // A public client names itself; one with a secret must use it (RFC 6749 §3.2.1).
    if (client === undefined || client.secret !== undefined) {
      throw new OAuthError('invalid_client', 'Client authentication failed: the client is unknown or must authenticate with its secret.')
    }
    return client
  }
  const matches = await verifySecret(credentials.clientSecret, client?.secret ?? await decoyHash())
  if (client?.secret === undefined || !matches) {
    throw new OAuthError('invalid_client', 'Client authentication failed: the client is unknown or the secret is wrong.')
  }
  return client
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,512}$/

/**
 * The scopes to grant: the requested ones (duplicates dropped, order kept), or every scope the
 * client is allowed when it asked for none, as Cognito does.
 *
 * @throws {OAuthError} `invalid_scope` when a requested scope is not allowed to the client.
 */
export function grantScopes (client: ResolvedClient, requested: readonly string[] | undefined): string[] {
  if (requested === undefined || requested.length === 0) return [...client.allowedOAuthScopes]
  const granted = [...new Set(requested)]
  for (const scope of granted) {
    if (!client.allowedOAuthScopes.includes(scope)) {
      throw new OAuthError('invalid_scope', SCOPE_TOKEN.test(scope)
        ? `The client is not allowed the scope "${scope}".`
        : 'A requested scope is malformed.')
    }
  }
  return granted
}
