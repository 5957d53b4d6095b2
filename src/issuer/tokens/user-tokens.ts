/**
 * A user's tokens, shaped like Cognito's: the access token and the ID token of the
 * authorization code and refresh grants, with Cognito's claims in Cognito's order.
 * `cognito:groups` is present only when the user has groups, as in Cognito.
 */
import { createHash, randomUUID } from 'node:crypto'
import { base64url, SignJWT, type JWTPayload } from 'jose'
import type { KeyAlgorithm } from '../keys/key-file.js'
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
 * The hash of each signing algorithm, for `at_hash`: the hash its JWS algorithm uses, SHA-256 for
 * RS256, PS256 and ES256 (a *384 or *512 algorithm would take SHA-384 or SHA-512). EdDSA keys are
 * Ed25519 (the key file refuses other curves), whose hash is SHA-512: the choice of OpenID Connect
 * issue #1125, which oidc-provider and oauth4webapi implement. An algorithm added to
 * KEY_ALGORITHMS must be added here too, or this does not compile.
 */
const AT_HASH_DIGESTS: Readonly<Record<KeyAlgorithm, 'sha256' | 'sha512'>> = { RS256: 'sha256', PS256: 'sha256', ES256: 'sha256', EdDSA: 'sha512' }

/**
 * The OIDC `at_hash` (Core §3.1.3.6): the left-most half of the hash of the access token's ASCII
 * octets, with the hash of the ID token's algorithm `alg` (see AT_HASH_DIGESTS), base64url.
 *
 * @example
 * ```ts
 * atHash(accessToken, 'EdDSA') // the first 32 bytes of SHA-512(accessToken), base64url
 * ```
 */
export function atHash (accessToken: string, alg: KeyAlgorithm): string {
  const digest = createHash(AT_HASH_DIGESTS[alg]).update(accessToken, 'ascii').digest()
  return base64url.encode(digest.subarray(0, digest.length / 2))
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
    at_hash: atHash(accessToken, input.key.alg),
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
