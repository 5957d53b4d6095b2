/**
 * A user's tokens, shaped like Cognito's: the access token and the ID token of the
 * authorization code and refresh grants, with Cognito's claims in Cognito's order.
 * `cognito:groups` is present only when the user has groups, as in Cognito.
 */
import { createHash, randomUUID } from 'node:crypto'
import { base64url, SignJWT, type JWTPayload } from 'jose'
import type { LoadedKey } from '../keys/key-store.js'
import type { User } from '../users/user-store.js'

/** What a user's tokens are made of. */
export interface UserTokenInput {
  readonly key: LoadedKey
  readonly issuer: string
  readonly clientId: string
  readonly user: User
  readonly scopes: readonly string[]
  /** Shared by every token of one login, across refreshes. */
  readonly originJti: string
  /** Seconds since the epoch: when the user logged in. */
  readonly authTime: number
  /** Milliseconds since the epoch. */
  readonly now: number
}

function groups (user: User): { 'cognito:groups'?: string[] } {
  return user.groups.length === 0 ? {} : { 'cognito:groups': [...user.groups] }
}

async function sign (claims: JWTPayload, key: LoadedKey): Promise<string> {
  return await new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey)
}

/**
 * A user's access token: `sub`, `cognito:groups`, `iss`, `version`, `client_id`, `origin_jti`,
 * `event_id`, `token_use`, `scope`, `auth_time`, `exp`, `iat`, `jti`, `username`.
 *
 * @example
 * ```ts
 * const token = await mintUserAccessToken({ key, issuer, clientId, user, scopes: ['openid'], originJti, authTime, now: Date.now() }, 3600, eventId)
 * ```
 */
export async function mintUserAccessToken (input: UserTokenInput, validitySeconds: number, eventId: string): Promise<string> {
  const iat = Math.floor(input.now / 1000)
  return await sign({
    sub: input.user.sub,
    ...groups(input.user),
    iss: input.issuer,
    version: 2,
    client_id: input.clientId,
    origin_jti: input.originJti,
    event_id: eventId,
    token_use: 'access',
    scope: input.scopes.join(' '),
    auth_time: input.authTime,
    exp: iat + validitySeconds,
    iat,
    jti: randomUUID(),
    username: input.user.username
  }, input.key)
}

/**
 * The OIDC `at_hash` (Core §3.1.3.6): the left half of the access token's hash, with the hash of
 * the ID token's algorithm (SHA-256 for RS256, PS256 and ES256), base64url.
 */
export function atHash (accessToken: string): string {
  return base64url.encode(createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16))
}

/**
 * A user's ID token: `at_hash`, `sub`, `cognito:groups`, `email_verified`, `iss`,
 * `cognito:username`, `origin_jti`, `aud`, `event_id`, `token_use`, `auth_time`, `exp`, `iat`,
 * `jti`, `email`, `nonce`, then the user's other attributes. `email*` appear when the user has
 * them; `nonce` when the authorization request carried one.
 *
 * @example
 * ```ts
 * const idToken = await mintIdToken(input, 3600, eventId, accessToken, 'n-0S6_WzA2Mj')
 * ```
 */
export async function mintIdToken (input: UserTokenInput, validitySeconds: number, eventId: string, accessToken: string, nonce: string | undefined): Promise<string> {
  const iat = Math.floor(input.now / 1000)
  const { email, email_verified: emailVerified, ...others } = input.user.attributes
  return await sign({
    at_hash: atHash(accessToken),
    sub: input.user.sub,
    ...groups(input.user),
    ...(emailVerified === undefined ? {} : { email_verified: emailVerified }),
    iss: input.issuer,
    'cognito:username': input.user.username,
    origin_jti: input.originJti,
    aud: input.clientId,
    event_id: eventId,
    token_use: 'id',
    auth_time: input.authTime,
    exp: iat + validitySeconds,
    iat,
    jti: randomUUID(),
    ...(email === undefined ? {} : { email }),
    ...(nonce === undefined ? {} : { nonce }),
    ...others
  }, input.key)
}
