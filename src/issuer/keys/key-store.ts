/**
 * The running issuer's keys: the key file (or, without one, keys held in memory), the private
 * keys imported once, the public JWKs derived from them, and their roles at any moment.
 *
 * A running instance re-reads the key file at most every `checkIntervalMs`, so a rotation done
 * with the CLI (or by another instance) is published by every instance well within the
 * publish lead. If the file turns unreadable, the instance keeps its last good keys and logs why.
 */
import { createPublicKey, type KeyObject } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { JWK } from 'jose'
import { createJsonFile, readJsonFile, writeJsonFile } from '../config/json-file.js'
import { generateKeyRecord, importPrivateJwk, validateKeyDocument, type KeyAlgorithm, type KeyDocument, type KeyRecord } from './key-file.js'
import { keyRoles, rotateKeyDocument, type RotationResult } from './rotation.js'

/** A key ready to sign with, and its public half as published. */
export interface LoadedKey {
  readonly kid: string
  readonly alg: KeyAlgorithm
  readonly privateKey: KeyObject
  /** `{ kty, …public members, kid, alg, use: 'sig' }`. */
  readonly publicJwk: JWK
}

/** The subset of a pino/Fastify logger the store writes to. Key material is never passed. */
export interface KeyStoreLog {
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

/** How a {@link KeyStore} is set up. Durations in milliseconds. */
export interface KeyStoreOptions {
  /** The key file; absent: keys live in memory and die with the process. */
  readonly keyFile: string | undefined
  /** Algorithm of the key generated when there is none: the issuer's default. */
  readonly algorithm: KeyAlgorithm
  /** Further algorithms that must have keys (those clients chose); missing ones get a key at open. Default none. */
  readonly algorithms?: readonly KeyAlgorithm[]
  readonly clock: () => number
  /** Least time between two checks of the key file, in ms. */
  readonly checkIntervalMs: number
  /** How long a key stays published after it stopped signing, in ms. */
  readonly retireAfterMs: number
  readonly log: KeyStoreLog
}

function load (record: KeyRecord): LoadedKey {
  const privateKey = importPrivateJwk(record.privateJwk, record.alg) as KeyObject
  const publicJwk = { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid: record.kid, alg: record.alg, use: 'sig' } as JWK
  return { kid: record.kid, alg: record.alg, privateKey, publicJwk }
}

/** The keys of one issuer. Create it with {@link KeyStore.open}. */
export class KeyStore {
  #document: KeyDocument
  #loaded = new Map<string, LoadedKey>()
  #lastCheck: number
  #inflight: Promise<void> | undefined

  private constructor (readonly options: KeyStoreOptions, document: KeyDocument) {
    this.#document = this.#adopt(document)
    this.#lastCheck = options.clock()
  }

  /**
   * Opens the key file, creating it (mode 0600, one active key) when it does not exist.
   *
   * @throws {IssuerFileError} when the file cannot be read or created.
   * @throws {IssuerConfigError} when the file is not a valid key file.
   */
  static async open (options: KeyStoreOptions): Promise<KeyStore> {
    const { keyFile, algorithm, clock } = options
    const first: KeyDocument = { version: 1, keys: [await generateKeyRecord(algorithm, 'active', clock())] }
    if (keyFile === undefined) return new KeyStore(options, await KeyStore.#withKeysFor(first, options))
    const exists = await stat(keyFile).then(() => true, () => false)
    if (!exists) await createJsonFile(keyFile, await KeyStore.#withKeysFor(first, options))
    const read = await KeyStore.#read(keyFile)
    const completed = await KeyStore.#withKeysFor(read, options)
    if (completed !== read) await writeJsonFile(keyFile, completed)
    const store = new KeyStore(options, completed)
    const mode = (await stat(keyFile)).mode
    if ((mode & 0o077) !== 0) {
      options.log.warn({ keyFile, mode: (mode & 0o777).toString(8) }, 'the key file can be read by other users; run chmod 600 on it')
    }
    return store
  }

  /** `document` with an active key for every algorithm of `options.algorithms` (the same object when none was missing). */
  static async #withKeysFor (document: KeyDocument, options: KeyStoreOptions): Promise<KeyDocument> {
    let completed = document
    for (const algorithm of options.algorithms ?? []) {
      if (completed.keys.some((k) => k.alg === algorithm)) continue
      completed = (await rotateKeyDocument(completed, options.clock(), { leadMs: 0, retireAfterMs: options.retireAfterMs, algorithm })).document
    }
    return completed
  }

  static async #read (keyFile: string): Promise<KeyDocument> {
    return validateKeyDocument(await readJsonFile(keyFile), keyFile)
  }

  #adopt (document: KeyDocument): KeyDocument {
    const loaded = new Map<string, LoadedKey>()
    for (const record of document.keys) loaded.set(record.kid, this.#loaded.get(record.kid) ?? load(record))
    this.#loaded = loaded
    this.#document = document
    return document
  }

  /** The key document as held now (private keys included: never log it). */
  get document (): KeyDocument {
    return this.#document
  }

  /** The default signing key and the published keys at `now`. */
  roles (now: number): { signing: LoadedKey, published: LoadedKey[] } {
    const roles = keyRoles(this.#document.keys, now, this.options.retireAfterMs)
    return { signing: this.#get(roles.signing), published: roles.published.map((r) => this.#get(r)) }
  }

  /**
   * The key that signs with `algorithm` at `now`, or the default signing key when `algorithm` is
   * undefined. Every algorithm a client chose has a key (see `algorithms` at open).
   */
  signingKey (now: number, algorithm: KeyAlgorithm | undefined): LoadedKey {
    const roles = keyRoles(this.#document.keys, now, this.options.retireAfterMs)
    return this.#get(algorithm === undefined ? roles.signing : roles.signingByAlgorithm.get(algorithm) ?? roles.signing)
  }

  #get (record: KeyRecord): LoadedKey {
    return this.#loaded.get(record.kid) as LoadedKey
  }

  /**
   * Re-reads the key file when `checkIntervalMs` has passed since the last check. A file that
   * cannot be read or is invalid is logged and the last good keys stay in use.
   */
  async refresh (): Promise<void> {
    if (this.options.keyFile === undefined) return
    const now = this.options.clock()
    if (this.#inflight === undefined && now - this.#lastCheck < this.options.checkIntervalMs) return
    this.#lastCheck = now
    this.#inflight ??= this.reload()
      .catch((err: Error & { code?: string }) => {
        this.options.log.error({ code: err.code, keyFile: this.options.keyFile }, `the key file could not be reloaded; keeping the last good keys: ${err.message}`)
      })
      .finally(() => { this.#inflight = undefined })
    await this.#inflight
  }

  /**
   * Re-reads the key file now.
   *
   * @throws {IssuerFileError | IssuerConfigError} when it cannot be read or is invalid; the
   * previous keys stay in use.
   */
  async reload (): Promise<void> {
    if (this.options.keyFile === undefined) return
    this.#adopt(await KeyStore.#read(this.options.keyFile))
  }

  /**
   * Rotates: publishes a new key that signs `leadMs` from now (see rotation.ts), writes the key
   * file (read afresh first, so a rotation by another instance is not lost) and adopts it.
   */
  async rotate (leadMs: number, algorithm?: KeyAlgorithm): Promise<RotationResult> {
    const keyFile = this.options.keyFile
    const current = keyFile === undefined ? this.#document : await KeyStore.#read(keyFile)
    const { document, result } = await rotateKeyDocument(current, this.options.clock(), {
      leadMs,
      retireAfterMs: this.options.retireAfterMs,
      algorithm
    })
    if (keyFile !== undefined) await writeJsonFile(keyFile, document)
    this.#adopt(document)
    return result
  }
}
