/**
 * The built-in user store: the users of the issuer's config file. An unknown username is
 * checked against a throwaway hash with the same scrypt cost as the stored ones, so a wrong
 * username and a wrong password take the same time and get the same answer.
 */
import { hashSecret, parseSecretHash, verifySecret, DEFAULT_SCRYPT_PARAMS, type ScryptParams, type SecretHash } from '../clients/secrets.js'
import { generateClientSecret } from '../config/ids.js'
import type { ResolvedUser } from './user-config.js'
import type { User, UserStore } from './user-store.js'

function publicView (user: ResolvedUser): User {
  return { sub: user.sub, username: user.username, attributes: user.attributes, groups: user.groups }
}

/**
 * A {@link UserStore} over the validated `users` of a config (keys are lowercase usernames).
 *
 * @example
 * ```ts
 * const store = configUserStore(validateConfig(document).users)
 * await store.authenticate('jane', 'correct horse battery staple') // { sub, username: 'jane', attributes, groups }
 * ```
 */
export function configUserStore (users: ReadonlyMap<string, ResolvedUser>): UserStore {
  const bySub = new Map([...users.values()].map((u) => [u.sub, u]))
  const first = users.values().next().value as ResolvedUser | undefined
  const cost: ScryptParams = first === undefined ? DEFAULT_SCRYPT_PARAMS : { logN: first.password.logN, r: first.password.r, p: first.password.p }
  let decoy: Promise<SecretHash> | undefined
  return {
    async authenticate (username, password) {
      const user = users.get(username.toLowerCase())
      decoy ??= hashSecret(generateClientSecret(), cost).then((text) => parseSecretHash(text) as SecretHash)
      const matches = await verifySecret(password, user === undefined ? await decoy : user.password)
      return user !== undefined && matches ? publicView(user) : undefined
    },
    async findBySub (sub) {
      const user = bySub.get(sub)
      return user === undefined ? undefined : publicView(user)
    }
  }
}
