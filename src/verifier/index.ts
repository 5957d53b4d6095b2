/**
 * The framework-free verifier: JWKS cache, strict token checks, scope checks and coded errors.
 *
 * @example
 * ```ts
 * import { TokenVerifier } from 'fastify-resource-server/verifier'
 * const verifier = new TokenVerifier({ userPoolId: 'eu-west-1_AbC123', clientId: 'my-client-id' })
 * ```
 */
export { TokenVerifier } from './verifier.js'
export { SUPPORTED_ALGORITHMS, type Algorithm } from './algorithms.js'
export { cognitoIssuers, cognitoUserPools } from './cognito.js'
export type { ProfileName, MappedProfile } from './profiles.js'
export { DEFAULTS, type IssuerOptions, type VerifierOptions, type ResolvedOptions, type ResolvedIssuer, type TokenCacheAdmission, type TokenUse } from './options.js'
export { compileRequirements, checkRequirements, type Requirements, type CompiledRequirements } from './requirements.js'
export type { ClaimRequirements, ClaimValue, CompiledClaim } from './claim-requirements.js'
export type { VerifiedToken, TokenClaims } from './verified-token.js'
export * from './errors.js'
