/**
 * Minting an access token shaped exactly like Cognito's machine-to-machine access tokens:
 * header `{ alg, kid }` (Cognito sends no `typ`), and the claims in Cognito's order.
 */
import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import type { LoadedKey } from '../keys/key-store.js'

/** What goes into one access token. */
export interface AccessTokenInput {
  readonly key: LoadedKey
  readonly issuer: string
  readonly clientId: string
  /** Granted scopes, in order, without duplicates. */
  readonly scopes: readonly string[]
  /** Lifetime in seconds. */
  readonly validitySeconds: number
  /** Issue time in milliseconds since the epoch. */
  readonly now: number
}

/**
 * Signs a Cognito-shaped M2M access token.
 *
 * @example
 * ```ts
 * const token = await mintAccessToken({ key, issuer, clientId, scopes: ['transactions/post'], validitySeconds: 3600, now: Date.now() })
 * ```
 */
export async function mintAccessToken (input: AccessTokenInput): Promise<string> {
  const iat = Math.floor(input.now / 1000)
  return await new SignJWT({
    sub: input.clientId,
    token_use: 'access',
    scope: input.scopes.join(' '),
    auth_time: iat,
    iss: input.issuer,
    exp: iat + input.validitySeconds,
    iat,
    version: 2,
    jti: randomUUID(),
    client_id: input.clientId
  }).setProtectedHeader({ alg: input.key.alg, kid: input.key.kid }).sign(input.key.privateKey)
}
