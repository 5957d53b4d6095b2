/**
 * Who the bench tokens come from and are for: a Cognito-shaped user pool whose keys are served
 * from a loopback JWKS server. Every server under test is told the same issuer and client.
 */
export const POOL_ID = 'eu-west-1_BenchPool1'
export const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`
/** Where Cognito would publish the keys; only aws-jwt-verify derives it, and its fetcher maps it to loopback. */
export const COGNITO_JWKS_URI = `${ISSUER}/.well-known/jwks.json`
export const CLIENT_ID = 'bench-client-1'
export const SCOPE = 'transactions/get transactions/post'
/** The path every server under test answers, with the same trivial handler. */
export const ROUTE = '/bench'
