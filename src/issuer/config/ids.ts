/**
 * Random identifiers shaped like Cognito's: client ids of 26 and secrets of 51 lowercase
 * letters and digits, pool ids `<region>_<9 letters or digits>`. Every character is drawn with
 * node:crypto's `randomInt`, which is uniform (no modulo bias).
 */
import { randomInt } from 'node:crypto'

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** The region part of generated pool ids: Cognito-shaped, and obviously not an AWS region. */
export const LOCAL_REGION = 'local-1'

/** `length` characters drawn uniformly from `alphabet` with a CSPRNG. */
export function randomString (length: number, alphabet: string): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)] as string
  return out
}

/**
 * A new app client id: 26 lowercase letters and digits, like Cognito's.
 *
 * @example
 * ```ts
 * generateClientId() // '14aq5ll5b1it6f62uefem6aqhn'
 * ```
 */
export function generateClientId (): string {
  return randomString(26, LOWER_ALNUM)
}

/**
 * A new client secret: 51 lowercase letters and digits (about 263 bits), like Cognito's.
 *
 * @example
 * ```ts
 * generateClientSecret() // 'j22a2ha9httcbordkn…' (51 characters)
 * ```
 */
export function generateClientSecret (): string {
  return randomString(51, LOWER_ALNUM)
}

/**
 * A new pool id in Cognito's shape, `local-1_` and nine letters or digits.
 *
 * @example
 * ```ts
 * generatePoolId() // 'local-1_AbCdEf123'
 * ```
 */
export function generatePoolId (region = LOCAL_REGION): string {
  return `${region}_${randomString(9, ALNUM)}`
}
