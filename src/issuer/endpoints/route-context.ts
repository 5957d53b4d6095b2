/** What every issuer route needs from the issuer that mounts it. */
import type { ResolvedConfig } from '../config/config.js'
import type { IssuerUrls } from './issuer-url.js'
import type { KeyStore } from '../keys/key-store.js'

export interface IssuerRouteContext {
  readonly config: ResolvedConfig
  readonly keys: KeyStore
  /** The public URLs, computed from the listening socket on each call. */
  readonly urls: () => IssuerUrls
  /** Milliseconds since the epoch. */
  readonly clock: () => number
}
