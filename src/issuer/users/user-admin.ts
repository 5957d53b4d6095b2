/**
 * Managing the built-in store's users in a config document or file, as Cognito's
 * `admin-create-user`, `admin-set-user-password` and `admin-delete-user` do. Passwords are hashed
 * with scrypt before they reach the document and are never logged or returned.
 */
import { randomUUID } from 'node:crypto'
import { hashSecret } from '../clients/secrets.js'
import { loadConfigFile, saveConfigFile } from '../config/config-file.js'
import { validateConfig, type IssuerConfig } from '../config/config.js'
import { IssuerUsageError } from '../errors.js'
import type { UserAttributes, UserConfig } from './user-config.js'

/** A user to add. */
export interface NewUser {
  username: string
  /** 8 to 256 characters (Cognito's default minimum is 8). */
  password: string
  attributes?: UserAttributes
  groups?: string[]
  /** Default: a random UUID. Give one only for reproducible test setups. */
  sub?: string
}

/** Password length bounds. */
export const PASSWORD_LIMITS = Object.freeze({ min: 8, max: 256 })

function checkPassword (password: string): void {
  if (typeof password !== 'string' || password.length < PASSWORD_LIMITS.min || password.length > PASSWORD_LIMITS.max) {
    throw new IssuerUsageError(`a password must have ${PASSWORD_LIMITS.min} to ${PASSWORD_LIMITS.max} characters`)
  }
}

function indexOf (document: IssuerConfig, username: string): number {
  const i = (document.users ?? []).findIndex((u) => u.username.toLowerCase() === username.toLowerCase())
  if (i === -1) throw new IssuerUsageError(`there is no user "${username}"`)
  return i
}

/**
 * Adds a user with a new `sub` and the scrypt hash of the password.
 *
 * @throws {IssuerUsageError} for a password out of bounds.
 * @throws {IssuerConfigError} naming the wrong field, e.g. `users[0].username` (a repeated name).
 *
 * @example
 * ```ts
 * const { document, sub } = await addUser(doc, { username: 'jane', password: 'correct horse battery staple', attributes: { email: 'jane@example.com', email_verified: true }, groups: ['admins'] })
 * ```
 */
export async function addUser (document: IssuerConfig, user: NewUser): Promise<{ document: IssuerConfig, sub: string }> {
  checkPassword(user.password)
  const sub = user.sub ?? randomUUID()
  const entry: UserConfig = {
    username: user.username,
    sub,
    passwordHash: await hashSecret(user.password),
    ...(user.attributes === undefined ? {} : { attributes: user.attributes }),
    ...(user.groups === undefined ? {} : { groups: user.groups })
  }
  const next = { ...document, users: [...(document.users ?? []), entry] }
  validateConfig(next)
  return { document: next, sub }
}

/**
 * Replaces a user's password hash.
 *
 * @throws {IssuerUsageError} for an unknown user or a password out of bounds.
 *
 * @example
 * ```ts
 * doc = await setUserPassword(doc, 'jane', 'a new long password')
 * ```
 */
export async function setUserPassword (document: IssuerConfig, username: string, password: string): Promise<IssuerConfig> {
  checkPassword(password)
  const i = indexOf(document, username)
  const users = [...document.users as UserConfig[]]
  users[i] = { ...users[i] as UserConfig, passwordHash: await hashSecret(password) }
  return { ...document, users }
}

/**
 * Removes a user. Its `sub` is never given to anyone else (new users get random UUIDs).
 *
 * @throws {IssuerUsageError} for an unknown user.
 *
 * @example
 * ```ts
 * doc = removeUser(doc, 'jane')
 * ```
 */
export function removeUser (document: IssuerConfig, username: string): IssuerConfig {
  const i = indexOf(document, username)
  return { ...document, users: (document.users as UserConfig[]).filter((_, j) => j !== i) }
}

/**
 * {@link addUser} on a config file.
 *
 * @example
 * ```ts
 * const { sub } = await addUserToFile('issuer.json', { username: 'jane', password })
 * ```
 */
export async function addUserToFile (path: string, user: NewUser): Promise<{ sub: string }> {
  const { document, sub } = await addUser((await loadConfigFile(path)).document, user)
  await saveConfigFile(path, document)
  return { sub }
}

/**
 * {@link setUserPassword} on a config file.
 *
 * @example
 * ```ts
 * await setUserPasswordInFile('issuer.json', 'jane', password)
 * ```
 */
export async function setUserPasswordInFile (path: string, username: string, password: string): Promise<void> {
  await saveConfigFile(path, await setUserPassword((await loadConfigFile(path)).document, username, password))
}

/**
 * {@link removeUser} on a config file.
 *
 * @example
 * ```ts
 * await removeUserFromFile('issuer.json', 'jane')
 * ```
 */
export async function removeUserFromFile (path: string, username: string): Promise<void> {
  await saveConfigFile(path, removeUser((await loadConfigFile(path)).document, username))
}
