/**
 * The configuration as a JSON file: loaded and validated at start, written back by the admin
 * commands (init, add-resource-server, add-client). Only secret hashes are ever written.
 */
import { validateConfig, type IssuerConfig, type ResolvedConfig } from './config.js'
import { readJsonFile, writeJsonFile } from './json-file.js'

/** A loaded config file: the document as written, and its validated form. */
export interface LoadedConfig {
  readonly document: IssuerConfig
  readonly resolved: ResolvedConfig
}

/**
 * Loads and validates a config file.
 *
 * @throws {IssuerFileError} when the file cannot be read or is not JSON.
 * @throws {IssuerConfigError} naming the first wrong field.
 *
 * @example
 * ```ts
 * const { resolved } = await loadConfigFile('issuer.json')
 * resolved.poolId // 'local-1_AbCdEf123'
 * ```
 */
export async function loadConfigFile (path: string): Promise<LoadedConfig> {
  const document = await readJsonFile(path)
  const resolved = validateConfig(document, path)
  return { document: document as IssuerConfig, resolved }
}

/**
 * Validates `document` and writes it to `path` atomically, with mode 0600.
 *
 * @throws {IssuerConfigError} when the document is not valid; nothing is written then.
 *
 * @example
 * ```ts
 * await saveConfigFile('issuer.json', { poolId: 'local-1_AbCdEf123', resourceServers: [], clients: [] })
 * ```
 */
export async function saveConfigFile (path: string, document: IssuerConfig): Promise<ResolvedConfig> {
  const resolved = validateConfig(document, path)
  await writeJsonFile(path, document)
  return resolved
}
