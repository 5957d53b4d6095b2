/**
 * The issuer's own failures, each with a stable `code`. Configuration problems are `TypeError`s
 * that name the exact field (`clients[1].allowedOAuthScopes[0]`), thrown at start, never at
 * request time. Token-endpoint refusals are not here: they are OAuth replies (oauth-errors.ts).
 */

/**
 * A config file, config object or key file is wrong. `field` is the path of the wrong member.
 *
 * @example
 * ```ts
 * try { validateConfig(raw) } catch (err) {
 *   if (err instanceof IssuerConfigError) console.error(err.field) // 'clients[1].allowedOAuthScopes[0]'
 * }
 * ```
 */
export class IssuerConfigError extends TypeError {
  readonly code = 'ERR_ISSUER_CONFIG'
  constructor (readonly field: string, expected: string, readonly source?: string) {
    super(`fastify-resource-server issuer: ${source === undefined ? '' : `${source}: `}"${field}" ${expected}`)
  }

  override get name (): string { return 'TypeError' }
}

/**
 * A file the issuer needs cannot be read or written (missing, unreadable, not JSON).
 *
 * @example
 * ```ts
 * await loadConfigFile('missing.json').catch((err) => err.code) // 'ERR_ISSUER_FILE'
 * ```
 */
export class IssuerFileError extends Error {
  readonly code = 'ERR_ISSUER_FILE'
  constructor (readonly path: string, reason: string) {
    super(`fastify-resource-server issuer: ${path}: ${reason}`)
  }

  override get name (): string { return 'IssuerFileError' }
}

/**
 * The command line was wrong: an unknown command, a missing or malformed argument.
 *
 * @example
 * ```ts
 * await runCli(['frobnicate'], io) // prints the ERR_ISSUER_USAGE message and returns 2
 * ```
 */
export class IssuerUsageError extends TypeError {
  readonly code = 'ERR_ISSUER_USAGE'
  override get name (): string { return 'TypeError' }
}

/**
 * The issuer was asked for its URL before it listens and without an explicit `issuerUrl`:
 * the URL is built from the real listening address, which does not exist yet.
 *
 * @example
 * ```ts
 * const app = await createIssuer({ config })
 * app.issuer.url // throws ERR_ISSUER_NOT_LISTENING until app.listen() resolves
 * ```
 */
export class IssuerNotListeningError extends Error {
  readonly code = 'ERR_ISSUER_NOT_LISTENING'
  constructor () {
    super('fastify-resource-server issuer: the issuer URL is built from the listening address; call listen() first or set the "issuerUrl" option')
  }

  override get name (): string { return 'IssuerNotListeningError' }
}

/** Every code the issuer throws (besides the verifier's `ERR_INVALID_OPTION` for createIssuer options). */
export const ISSUER_ERROR_CODES = [
  'ERR_ISSUER_CONFIG',
  'ERR_ISSUER_FILE',
  'ERR_ISSUER_USAGE',
  'ERR_ISSUER_NOT_LISTENING'
] as const
