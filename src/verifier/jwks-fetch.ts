/**
 * One JWKS download, under strict rules: a real timeout that covers the body too, a size cap
 * enforced while reading, no redirects (a redirect could hand key selection to another host),
 * and no headers but `accept`: nothing of the client's request is ever forwarded.
 *
 * A reset or refused connection is retried once, at once, on a connection of its own: a
 * keep-alive socket that the server closed while idle (or a server that just restarted) fails
 * the first request sent on it, and a second request on the same pool could meet the same fate.
 */
import secureJson from 'secure-json-parse'
import { Agent, type Dispatcher } from 'undici'
import { acceptJwk, DEFAULT_MAX_RSA_BITS, type Jwk } from './jwk.js'

/** How a download failed, for metrics: a fixed set, so it can label a counter. */
export type JwksFetchFailureReason = 'http_status' | 'timeout' | 'unreachable' | 'too_large' | 'invalid'

/** Why a JWKS (or metadata) download failed. Internal: callers see {@link JwksUnavailableError}. */
export class JwksFetchError extends Error {
  /**
   * @param reason - how it failed, as a fixed word (the message is for people).
   * @param status - the HTTP status, when the endpoint answered with one other than 200.
   */
  constructor (message: string, readonly reason: JwksFetchFailureReason = 'invalid', readonly status?: number) { super(message) }
}

/** What is being downloaded: its `accept` header and its name in messages. */
export interface DocumentKind {
  readonly accept: string
  readonly name: string
}

const JWKS: DocumentKind = { accept: 'application/jwk-set+json, application/json', name: 'the JWKS endpoint' }

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The most keys kept from one JWKS; real issuers publish a handful. */
const MAX_KEYS = 100

/** Network errors that a second attempt on a new connection may well not meet. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET'])

async function readCapped (response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    // Cancel, or the connection stays busy with a body nobody reads until the timeout fires.
    await (response.body as ReadableStream<Uint8Array>).cancel()
    throw new JwksFetchError(`the response declares ${declared} bytes, over the ${maxBytes}-byte cap`, 'too_large')
  }
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of response.body as ReadableStream<Uint8Array>) {
    total += chunk.byteLength
    if (total > maxBytes) throw new JwksFetchError(`the response exceeds the ${maxBytes}-byte cap`, 'too_large')
    chunks.push(chunk)
  }
  try {
    return utf8.decode(Buffer.concat(chunks))
  } catch {
    // Buffer's decoder would turn bad bytes into U+FFFD in silence, changing a kid or a modulus.
    throw new JwksFetchError('the response is not valid UTF-8')
  }
}

async function download (uri: string, kind: DocumentKind, signal: AbortSignal, maxBytes: number, dispatcher?: Dispatcher): Promise<string> {
  const response = await fetch(uri, {
    method: 'GET',
    redirect: 'manual',
    headers: { accept: kind.accept },
    signal,
    ...(dispatcher === undefined ? {} : { dispatcher })
  } as RequestInit)
  if (response.status !== 200) {
    await response.body?.cancel()
    throw new JwksFetchError(`${kind.name} answered HTTP ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}`, 'http_status', response.status)
  }
  return await readCapped(response, maxBytes)
}

function isTransient (err: unknown): boolean {
  const code = ((err as Error).cause as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && TRANSIENT_CODES.has(code)
}

function fetchError (err: unknown, timeoutMs: number, kind: DocumentKind): JwksFetchError {
  if (err instanceof JwksFetchError) return err
  return (err as Error).name === 'TimeoutError'
    ? new JwksFetchError(`no answer within ${timeoutMs} ms`, 'timeout')
    : new JwksFetchError(`${kind.name} could not be reached`, 'unreachable')
}

async function downloadWithRetry (uri: string, kind: DocumentKind, timeoutMs: number, maxBytes: number): Promise<string> {
  // One deadline for both attempts: the timeout stays the most a download can take.
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    return await download(uri, kind, signal, maxBytes)
  } catch (err) {
    if (!isTransient(err)) throw fetchError(err, timeoutMs, kind)
  }
  // A pool of its own holds no socket yet, so the retry opens a new connection.
  const fresh = new Agent({ connections: 1 })
  return await download(uri, kind, signal, maxBytes, fresh)
    .catch((err: unknown) => { throw fetchError(err, timeoutMs, kind) })
    .finally(() => { void fresh.destroy() })
}

/**
 * Downloads a JSON document under the JWKS rules (timeout, size cap, no redirects, UTF-8 only,
 * one retry on a reset connection) and parses it, prototype-polluting members removed. Shared
 * by the JWKS and the issuer metadata (discovery) downloads.
 *
 * @throws {JwksFetchError} on any failure, the body not being JSON included.
 * @example
 * ```ts
 * const doc = await fetchJsonDocument(url, { accept: 'application/json', name: 'the metadata endpoint' }, 5000, 524288)
 * ```
 */
export async function fetchJsonDocument (uri: string, kind: DocumentKind, timeoutMs: number, maxBytes: number): Promise<unknown> {
  const text = await downloadWithRetry(uri, kind, timeoutMs, maxBytes)
  try {
    return secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' })
  } catch {
    throw new JwksFetchError('the response is not JSON')
  }
}

/**
 * Downloads a JWKS and returns the keys that may verify signatures.
 *
 * @throws {JwksFetchError} on a network error (after one retry if it was a reset or refused
 * connection), timeout, non-200 status, redirect, oversize body, or a body that is not a
 * UTF-8 JWKS.
 */
export async function fetchJwks (uri: string, timeoutMs: number, maxBytes: number, maxRsaBits = DEFAULT_MAX_RSA_BITS): Promise<Jwk[]> {
  return acceptJwks(await fetchJsonDocument(uri, JWKS, timeoutMs, maxBytes), maxRsaBits)
}

/**
 * The keys of a parsed JWKS document that may verify signatures (see jwk.ts), at most 100.
 * Shared by the download above and the `explain` command's `--jwks <file>`.
 *
 * @throws {JwksFetchError} when the document has no `keys` array.
 * @example
 * ```ts
 * const keys = acceptJwks(JSON.parse(text), 4096)
 * ```
 */
export function acceptJwks (body: unknown, maxRsaBits = DEFAULT_MAX_RSA_BITS): Jwk[] {
  const keys = (body as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys)) throw new JwksFetchError('the response has no "keys" array')
  const accepted: Jwk[] = []
  for (const raw of keys) {
    const jwk = acceptJwk(raw, maxRsaBits)
    if (jwk !== undefined) accepted.push(jwk)
    if (accepted.length === MAX_KEYS) break
  }
  return accepted
}
