/**
 * Keys read from a JWKS file, for `explain --jwks <file>`: the same size cap, UTF-8 and JSON
 * rules as a download, and the verifier's own key acceptance (acceptJwks), so a key the plugin
 * would drop is dropped here too.
 */
import { readFile, stat } from 'node:fs/promises'
import secureJson from 'secure-json-parse'
import { KeyNotFoundError } from '../verifier/errors.js'
import { KeyEntry } from '../verifier/jwks-cache.js'
import { acceptJwks } from '../verifier/jwks-fetch.js'
import type { KeySource } from '../verifier/verify-steps.js'

/** Why a JWKS file cannot be used; the command line prints it as a usage error. */
export class JwksFileError extends Error {
  readonly code = 'ERR_JWKS_FILE'
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The accepted keys of one JWKS file, by `kid`. */
export class FileKeySet implements KeySource {
  readonly #byKid = new Map<string, KeyEntry[]>()

  /** How many keys of the file were accepted. */
  readonly size: number

  private constructor (jwks: ReturnType<typeof acceptJwks>) {
    for (const jwk of jwks) {
      const list = this.#byKid.get(jwk.kid) ?? []
      list.push(new KeyEntry(jwk))
      this.#byKid.set(jwk.kid, list)
    }
    this.size = jwks.length
  }

  /**
   * Reads `file` and keeps the keys the verifier would keep.
   *
   * @throws {JwksFileError} when the file cannot be read, is over `maxBytes`, or is not a JWKS.
   * @example
   * ```ts
   * const keys = await FileKeySet.read('jwks.json', 524288, 4096)
   * ```
   */
  static async read (file: string, maxBytes: number, maxRsaBits: number): Promise<FileKeySet> {
    let text: string
    try {
      if ((await stat(file)).size > maxBytes) throw new JwksFileError(`is over the ${maxBytes}-byte cap`)
      text = utf8.decode(await readFile(file))
    } catch (err) {
      if (err instanceof JwksFileError) throw err
      throw new JwksFileError((err as { code?: string }).code === 'ENOENT' ? 'does not exist' : 'cannot be read as UTF-8 text')
    }
    try {
      return new FileKeySet(acceptJwks(secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' }), maxRsaBits))
    } catch {
      throw new JwksFileError('is not a JWKS: a JSON object with a "keys" array')
    }
  }

  async getKeys (kid: string): Promise<readonly KeyEntry[]> {
    const found = this.#byKid.get(kid)
    if (found === undefined) throw new KeyNotFoundError('The token names a signing key the JWKS file does not hold (or holds one the verifier does not accept).')
    return found
  }
}
