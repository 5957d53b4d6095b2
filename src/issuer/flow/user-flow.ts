/**
 * The state of the user flow, shared by the authorization endpoint, the login page, the token
 * endpoint, userInfo and revocation: pending logins and codes (in memory), refresh tokens (hashed,
 * in memory or in a file), and the user store.
 */
import type { IssuerRouteContext } from '../endpoints/route-context.js'
import type { UserStore } from '../users/user-store.js'
import { CodeStore, ExpiringMap, PENDING_LOGIN_LIFETIME_MS, PENDING_LOGINS_PER_ADDRESS, type AuthorizationRequest } from './authorization-request.js'
import type { RefreshStore } from './refresh-store.js'

/** What the user-flow routes need besides the issuer's common context. */
export interface UserFlowContext extends IssuerRouteContext {
  readonly users: UserStore
  readonly codes: CodeStore
  /** Accepted authorization requests waiting for the user to log in, by handle, owned by client address. */
  readonly pending: ExpiringMap<AuthorizationRequest>
  readonly refresh: RefreshStore
}

/** The in-memory parts of a {@link UserFlowContext}. */
export function userFlowState (clock: () => number): { codes: CodeStore, pending: ExpiringMap<AuthorizationRequest> } {
  return { codes: new CodeStore(clock), pending: new ExpiringMap(PENDING_LOGIN_LIFETIME_MS, clock, 100_000, PENDING_LOGINS_PER_ADDRESS) }
}
