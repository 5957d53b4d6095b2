/**
 * Reading and writing the issuer's JSON files safely: parsed with secure-json-parse (no
 * `__proto__` pollution from a hand-edited file), written to a temporary file first and renamed
 * into place, so a reader (another instance) never sees half a file; created with mode 0600
 * because the key file holds private keys.
 */
import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import secureJson from 'secure-json-parse'
import { IssuerFileError } from '../errors.js'

/** Owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600

/**
 * Reads and parses a JSON file.
 *
 * @throws {IssuerFileError} when it cannot be read or is not JSON.
 */
export async function readJsonFile (path: string): Promise<unknown> {
  let text: string
  try {
    text = await fs.readFile(path, 'utf8')
  } catch (err) {
    throw new IssuerFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code})`)
  }
  try {
    return secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' })
  } catch {
    throw new IssuerFileError(path, 'is not valid JSON')
  }
}

async function writeTemp (path: string, value: unknown): Promise<string> {
  const temp = `${path}.${randomUUID()}.tmp`
  try {
    await fs.writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' })
  } catch (err) {
    throw new IssuerFileError(path, `cannot be written (${(err as NodeJS.ErrnoException).code})`)
  }
  return temp
}

/**
 * Replaces `path` with `value` as JSON, atomically, with mode 0600.
 *
 * @throws {IssuerFileError} when it cannot be written.
 */
export async function writeJsonFile (path: string, value: unknown): Promise<void> {
  const temp = await writeTemp(path, value)
  try {
    await fs.rename(temp, path)
  } catch (err) {
    await fs.unlink(temp)
    throw new IssuerFileError(path, `cannot be replaced (${(err as NodeJS.ErrnoException).code})`)
  }
}

/**
 * Creates `path` with `value` as JSON only if it does not exist yet, atomically (a hard link
 * fails when the name is taken), so two instances starting at once keep one of the two files.
 *
 * @returns false when the file already existed (and was left alone).
 * @throws {IssuerFileError} when it cannot be written.
 */
export async function createJsonFile (path: string, value: unknown): Promise<boolean> {
  const temp = await writeTemp(path, value)
  const failure = await fs.link(temp, path).then(() => undefined, (err: NodeJS.ErrnoException) => err)
  await fs.unlink(temp)
  if (failure === undefined) return true
  if (failure.code === 'EEXIST') return false
  throw new IssuerFileError(path, `cannot be created (${failure.code}; the directory must support hard links)`)
}
