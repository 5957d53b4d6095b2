/**
 * The Cognito shorthand: a user pool id names its region and its two issuer URLs.
 *
 * Cognito pools issue tokens under `https://cognito-idp.<region>.amazonaws.com/<pool>`; pools
 * created for the newer issuer format use `https://issuer-cognito-idp.<region>.amazonaws.com/<pool>`.
 * A pool id is `<region>_<suffix>`, for example `us-east-1_AbC123xyZ`.
 */

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
