/**
 * One JWKS download, under strict rules: a real timeout that covers the body too, a size cap
 * enforced while reading, no redirects (a redirect could hand key selection to another host),
 * and no headers but `accept`: nothing of the client's request is ever forwarded.
 *
 * A reset or refused connection is retried once, at once, on a connection of its own: a
 * keep-alive socket that the server closed while idle (or a server that just restarted) fails
 * the first request sent on it, and a second request on the same pool could meet the same fate.
 *
 * The client is node:http(s), already loaded in any server: global fetch loads and compiles a
 * second HTTP stack on its first call (about 30 ms on the 2-core machine, against 3 ms for
 * node:http), and that first call is a cold start's JWKS download.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import secureJson from 'secure-json-parse'
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
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE'])

async function readCapped (response: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(response.headers['content-length'])
  if (declared > maxBytes) {
    // Close the connection, or it stays busy with a body nobody reads until the timeout fires.
    response.destroy()
    throw new JwksFetchError(`the response declares ${declared} bytes, over the ${maxBytes}-byte cap`, 'too_large')
  }
  const chunks: Buffer[] = []
  let total = 0
  // Leaving the loop early (over the cap) destroys the response, and with it the connection.
  for await (const chunk of response as AsyncIterable<Buffer>) {
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

async function answer (response: IncomingMessage, kind: DocumentKind, maxBytes: number): Promise<string> {
  const status = response.statusCode as number
  if (status !== 200) {
    response.resume()
    throw new JwksFetchError(`${kind.name} answered HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`, 'http_status', status)
  }
  return await readCapped(response, maxBytes)
}

/**
 * One GET of `uri` with `accept` as its only header of ours (never the URL's user and password);
 * `fresh` sends it on a connection of its own rather than the keep-alive pool's.
 */
async function download (uri: string, kind: DocumentKind, signal: AbortSignal, maxBytes: number, fresh = false): Promise<string> {
  const url = new URL(uri)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return await new Promise((resolve, reject) => {
    const request = send({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { accept: kind.accept },
      signal,
      ...(fresh ? { agent: false } : {})
    }, (response) => { answer(response, kind, maxBytes).then(resolve, reject) })
    // on, not once: a second error (the abort, then the socket) must not go unhandled
    request.on('error', reject)
    request.end()
  })
}

function isTransient (err: unknown, signal: AbortSignal): boolean {
  const code = (err as { code?: unknown }).code
  return !signal.aborted && typeof code === 'string' && TRANSIENT_CODES.has(code)
}

function fetchError (err: unknown, timeoutMs: number, kind: DocumentKind, signal: AbortSignal): JwksFetchError {
  if (err instanceof JwksFetchError) return err
  return signal.aborted
    ? new JwksFetchError(`no answer within ${timeoutMs} ms`, 'timeout')
    : new JwksFetchError(`${kind.name} could not be reached`, 'unreachable')
}

async function downloadWithRetry (uri: string, kind: DocumentKind, timeoutMs: number, maxBytes: number): Promise<string> {
  // One deadline for both attempts: the timeout stays the most a download can take.
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    return await download(uri, kind, signal, maxBytes)
  } catch (err) {
    if (!isTransient(err, signal)) throw fetchError(err, timeoutMs, kind, signal)
  }
  // A connection of its own, so the retry cannot meet the same closed keep-alive socket.
  return await download(uri, kind, signal, maxBytes, true)
    .catch((err: unknown) => { throw fetchError(err, timeoutMs, kind, signal) })
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
