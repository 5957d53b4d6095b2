/**
 * The Cognito shorthand: a user pool id names its region and its two issuer URLs.
 *
 * Cognito pools issue tokens under `https://cognito-idp.<region>.amazonaws.com/<pool>`; pools
 * created for the newer issuer format use `https://issuer-cognito-idp.<region>.amazonaws.com/<pool>`.
 * A pool id is `<region>_<suffix>`, for example `us-east-1_AbC123xyZ`.
 */

import { OptionError } from './errors.js'

const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})_[0-9A-Za-z]{1,64}$/

/** Whether `id` has the shape of a Cognito user pool id. */
export function isUserPoolId (id: unknown): id is string {
  return typeof id === 'string' && POOL_ID.test(id)
}

/**
 * Both issuer URLs a Cognito user pool may sign with.
 *
 * @example
 * ```ts
 * cognitoIssuers('eu-west-1_AbC123')
 * // ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
 * //  'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123']
 * ```
 */
export function cognitoIssuers (userPoolId: string): [string, string] {
  const region = (POOL_ID.exec(userPoolId) as RegExpExecArray)[1] as string
  return [
    `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
    `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`
  ]
}

const COGNITO_ISS = /^https:\/\/(?:issuer-)?cognito-idp\.([a-z0-9-]{1,32})\.amazonaws\.com\/([^/]{1,80})$/

/**
 * A `trustIssuer` for many Cognito user pools: trusts the two issuer URLs of every pool the
 * allowlist (a list, a Set, or a function of the pool id) accepts, and nothing else. Hundreds of
 * pools need no hundreds of configured issuers, and no key set exists until a pool's token comes.
 * A list or Set is copied when this is called; for pools added or removed while running, pass a
 * function, which is asked for every token.
 *
 * @example
 * ```ts
 * new TokenVerifier({ trustIssuer: cognitoUserPools(poolIdsFromDatabase), clientId: null })
 * ```
 */
export function cognitoUserPools (pools: Iterable<string> | ((userPoolId: string) => boolean)): (iss: string) => string | undefined {
  const allowed = typeof pools === 'function' ? pools : (id: string): boolean => set.has(id)
  const set = new Set(typeof pools === 'function' ? [] : pools)
  for (const id of set) {
    if (!isUserPoolId(id)) throw new OptionError('cognitoUserPools()', `takes user pool ids such as "eu-west-1_AbC123" (got ${JSON.stringify(String(id).slice(0, 80))})`)
  }
  return (iss) => {
    const match = COGNITO_ISS.exec(iss)
    if (match === null) return undefined
    const [, region, pool] = match as unknown as [string, string, string]
    // The pool id names its region; a pool under another region's host is no Cognito issuer.
    return isUserPoolId(pool) && pool.startsWith(`${region}_`) && allowed(pool) ? iss : undefined
  }
}