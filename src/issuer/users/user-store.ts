/**
 * The user database, behind a small interface: the OAuth side (authorize, login, tokens,
 * userInfo) asks it to authenticate a username and password, and to find a user again by `sub`
 * when a refresh token or an access token comes back. As in the seed tutorial's design, where
 * Cognito is the user database and the authorization server sits beside it, nothing here knows
 * about codes or tokens, and another store (LDAP, a real Cognito pool) can take its place.
 */
import type { UserAttributes } from './user-config.js'

/** What the OAuth side learns about a user. Never a password or a hash. */
export interface User {
  /** The stable subject: the `sub` of every token. */
  readonly sub: string
  /** The username as registered, sent as `username` / `cognito:username`. */
  readonly username: string
  /** e.g. `email`, `email_verified`, `name`. */
  readonly attributes: Readonly<UserAttributes>
  /** Sent as `cognito:groups`. */
  readonly groups: readonly string[]
}

/**
 * A user database.
 *
 * @example
 * ```ts
 * const store: UserStore = {
 *   authenticate: async (username, password) => (await ldapBind(username, password)) ? toUser(username) : undefined,
 *   findBySub: async (sub) => lookUp(sub)
 * }
 * const app = await createIssuer({ configFile: 'issuer.json', users: store })
 * ```
 */
export interface UserStore {
  /**
   * The user with this username and password, or undefined. Implementations must take the same
   * time whether the username exists or not, so that timing does not reveal which do.
   */
  authenticate: (username: string, password: string) => Promise<User | undefined>
  /** The user with this `sub`, or undefined when it no longer exists. */
  findBySub: (sub: string) => Promise<User | undefined>
}
