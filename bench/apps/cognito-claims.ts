/**
 * The Cognito checks that generic JWT libraries leave to the caller (token_use and client_id), so
 * that every peer does at least the work that aws-jwt-verify and our plugin do per request.
 */
import { CLIENT_ID } from '../identity.js'

export function isOurAccessToken (payload: unknown): boolean {
  const claims = payload as Record<string, unknown> | null
  return claims !== null && typeof claims === 'object' && claims.token_use === 'access' && claims.client_id === CLIENT_ID
}
