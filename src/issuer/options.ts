/**
 * The options of {@link createIssuer}: types, units, documented defaults, and the one place they
 * are checked. A wrong option throws a TypeError (`ERR_INVALID_OPTION`) naming it, before any
 * file is touched.
 */
import type { FastifyServerOptions } from 'fastify'
import { OptionError } from '../verifier/errors.js'
import { describe } from './config/config-fields.js'
import type { IssuerConfig } from './config/config.js'
import type { UserStore } from './users/user-store.js'
import { isKeyAlgorithm, KEY_ALGORITHMS, type KeyAlgorithm } from './keys/key-file.js'
import { ROTATION_DEFAULTS } from './keys/rotation.js'

/** Everything {@link createIssuer} can be told. Exactly one of `config` and `configFile` is required. */
export interface CreateIssuerOptions {
  /** The configuration as an object (see {@link IssuerConfig}). */
  config?: IssuerConfig
  /** Path of the JSON configuration file, as written by the CLI's `init`. */
  configFile?: string
  /**
   * Path of the key file (private keys as JWKs). Created with mode 0600 on first start when
   * absent. Default: none, and keys live in memory only, so tokens do not survive a restart.
   */
  keyFile?: string
  /**
   * Algorithm of the key generated when the key file is created. Default `'RS256'`, as Cognito.
   * When set, rotations by this instance also generate keys of this algorithm; otherwise a
   * rotation keeps the algorithm of the current signing key.
   */
  algorithm?: KeyAlgorithm
  /**
   * The public issuer URL, e.g. `https://auth.example.com/local-1_AbCdEf123` behind a proxy. It
   * must end with `/<poolId>`. Default: `http://<listening address>:<listening port>/<poolId>`,
   * taken from the socket (127.0.0.1 when listening on all interfaces), never from the Host header.
   */
  issuerUrl?: string
  /** The current time in milliseconds since the epoch. Default `Date.now`. For tests. */
  clock?: () => number
  /** Fastify's logger option. Default `false`. Secrets, tokens and keys are never logged. */
  logger?: FastifyServerOptions['logger']
  /** Least time between two checks of the key file for rotations, in milliseconds. Default 10000 (10 seconds). */
  keyFileCheckIntervalMs?: number
  /**
   * How long a new key is published before it signs, in seconds. Default 1200 (20 minutes).
   *
   * > [!WARNING]
   * > Keep it above the verifiers' `jwksMaxAgeMs/1000` + `jwksMaxAgeSeconds` (see rotation.ts):
   * > shorter, and a verifier holding a fresh copy of the old JWKS may reject new tokens.
   */
  publishLeadSeconds?: number
  /** Extra time a retired key stays published after its last token expired, in seconds. Default 300 (5 minutes). */
  retireMarginSeconds?: number
  /** `Cache-Control: max-age` of the JWKS and discovery documents, in seconds. Default 300 (5 minutes). */
  jwksMaxAgeSeconds?: number
  /** Largest accepted token request body, in bytes. Default 8192 (8 KiB). */
  bodyLimitBytes?: number
  /** The user database. Default: the `users` of the configuration (see users/user-store.ts). */
  users?: UserStore
  /**
   * Where refresh-token hashes are kept across restarts, written atomically. Default: none, and
   * they live in memory only, so refresh tokens die with the process.
   */
  refreshTokenFile?: string
  /** Login attempts allowed per username per window. Default 5. */
  loginAttemptsPerUsername?: number
  /** Login attempts allowed per client address per window. Default 20. */
  loginAttemptsPerAddress?: number
  /** The login throttling window, in seconds. Default 300 (5 minutes). */
  loginWindowSeconds?: number
}

/** The documented defaults, in one place. */
export const ISSUER_DEFAULTS = Object.freeze({
  algorithm: 'RS256' as KeyAlgorithm,
  keyFileCheckIntervalMs: 10_000,
  publishLeadSeconds: ROTATION_DEFAULTS.publishLeadSeconds,
  retireMarginSeconds: ROTATION_DEFAULTS.retireMarginSeconds,
  jwksMaxAgeSeconds: 300,
  bodyLimitBytes: 8192,
  loginAttemptsPerUsername: 5,
  loginAttemptsPerAddress: 20,
  loginWindowSeconds: 300
})

/** The options after checks and defaults. */
export interface ResolvedIssuerOptions {
  readonly config: IssuerConfig | undefined
  readonly configFile: string | undefined
  readonly keyFile: string | undefined
  readonly algorithm: KeyAlgorithm
  readonly issuerUrl: URL | undefined
  readonly clock: () => number
  readonly logger: FastifyServerOptions['logger']
  readonly keyFileCheckIntervalMs: number
  readonly publishLeadSeconds: number
  readonly retireMarginSeconds: number
  readonly jwksMaxAgeSeconds: number
  readonly bodyLimitBytes: number
  readonly users: UserStore | undefined
  readonly refreshTokenFile: string | undefined
  readonly login: { readonly attemptsPerUsername: number, readonly attemptsPerAddress: number, readonly windowSeconds: number }
}

const KNOWN = new Set(['config', 'configFile', 'keyFile', 'algorithm', 'issuerUrl', 'clock', 'logger', 'keyFileCheckIntervalMs',
  'publishLeadSeconds', 'retireMarginSeconds', 'jwksMaxAgeSeconds', 'bodyLimitBytes', 'users', 'refreshTokenFile',
  'loginAttemptsPerUsername', 'loginAttemptsPerAddress', 'loginWindowSeconds'])

/** An integer option from `min` to `max`, or `fallback` when absent. */
export function integerOption (name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionError(name, `must be an integer from ${min} to ${max} (got ${describe(value)})`)
  }
  return value
}

function path (name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.length === 0) throw new OptionError(name, `must be a non-empty file path (got ${describe(value)})`)
  return value
}

/** Checks an explicit issuer URL; that it ends with the pool id is checked once the config is known. */
export function parseIssuerUrl (name: string, value: unknown): URL {
  let url: URL | undefined
  try {
    url = new URL(value as string)
  } catch {}
  if (typeof value !== 'string' || url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname.endsWith('/')) {
    throw new OptionError(name, `must be an absolute http(s) URL without credentials, query, fragment or trailing slash, ending with /<poolId> (got ${describe(value)})`)
  }
  return url
}

/**
 * Checks every option and fills in the defaults.
 *
 * @throws {OptionError} (a TypeError, code `ERR_INVALID_OPTION`) naming the wrong option.
 *
 * @example
 * ```ts
 * const resolved = resolveIssuerOptions({ configFile: 'issuer.json', keyFile: 'keys.json' })
 * ```
 */
export function resolveIssuerOptions (options: CreateIssuerOptions): ResolvedIssuerOptions {
  if (typeof options !== 'object' || options === null) throw new OptionError('options', 'must be an object')
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new OptionError(key, 'is not a known option')
  const hasConfig = options.config !== undefined
  const configFile = path('configFile', options.configFile)
  if (hasConfig === (configFile !== undefined)) throw new OptionError('config', 'or "configFile" is required, and not both')
  const algorithm = options.algorithm ?? ISSUER_DEFAULTS.algorithm
  if (!isKeyAlgorithm(algorithm)) throw new OptionError('algorithm', `must be one of ${KEY_ALGORITHMS.join(', ')} (got ${describe(algorithm)})`)
  const users = options.users
  if (users !== undefined && (typeof users !== 'object' || users === null || typeof users.authenticate !== 'function' || typeof users.findBySub !== 'function')) {
    throw new OptionError('users', `must be a user store with authenticate() and findBySub() (got ${describe(users)})`)
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new OptionError('clock', `must be a function returning milliseconds since the epoch (got ${describe(options.clock)})`)
  }
  return {
    config: options.config,
    configFile,
    keyFile: path('keyFile', options.keyFile),
    algorithm,
    issuerUrl: options.issuerUrl === undefined ? undefined : parseIssuerUrl('issuerUrl', options.issuerUrl),
    clock: options.clock ?? Date.now,
    logger: options.logger ?? false,
    keyFileCheckIntervalMs: integerOption('keyFileCheckIntervalMs', options.keyFileCheckIntervalMs, ISSUER_DEFAULTS.keyFileCheckIntervalMs, 0, 3_600_000),
    publishLeadSeconds: integerOption('publishLeadSeconds', options.publishLeadSeconds, ISSUER_DEFAULTS.publishLeadSeconds, 0, 86_400),
    retireMarginSeconds: integerOption('retireMarginSeconds', options.retireMarginSeconds, ISSUER_DEFAULTS.retireMarginSeconds, 0, 86_400),
    jwksMaxAgeSeconds: integerOption('jwksMaxAgeSeconds', options.jwksMaxAgeSeconds, ISSUER_DEFAULTS.jwksMaxAgeSeconds, 0, 86_400),
    bodyLimitBytes: integerOption('bodyLimitBytes', options.bodyLimitBytes, ISSUER_DEFAULTS.bodyLimitBytes, 256, 65_536),
    users,
    refreshTokenFile: path('refreshTokenFile', options.refreshTokenFile),
    login: {
      attemptsPerUsername: integerOption('loginAttemptsPerUsername', options.loginAttemptsPerUsername, ISSUER_DEFAULTS.loginAttemptsPerUsername, 1, 10_000),
      attemptsPerAddress: integerOption('loginAttemptsPerAddress', options.loginAttemptsPerAddress, ISSUER_DEFAULTS.loginAttemptsPerAddress, 1, 100_000),
      windowSeconds: integerOption('loginWindowSeconds', options.loginWindowSeconds, ISSUER_DEFAULTS.loginWindowSeconds, 1, 86_400)
    }
  }
}
