/**
 * One JWKS download, under strict rules: a real timeout that covers the body too, a size cap
 * enforced while reading, no redirects (a redirect could hand key selection to another host),
 * and no headers but `accept`: nothing of the client's request is ever forwarded.
 */
import secureJson from 'secure-json-parse'
import { acceptJwk, type Jwk } from './jwk.js'

/** Why a JWKS download failed. Internal: callers see {@link JwksUnavailableError}. */
export class JwksFetchError extends Error {}

/** The most keys kept from one JWKS; real issuers publish a handful. */
const MAX_KEYS = 100

async function readCapped (response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    // Cancel, or the connection stays busy with a body nobody reads until the timeout fires.
    await (response.body as ReadableStream<Uint8Array>).cancel()
    throw new JwksFetchError(`the response declares ${declared} bytes, over the ${maxBytes}-byte cap`)
  }
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of response.body as ReadableStream<Uint8Array>) {
    total += chunk.byteLength
    if (total > maxBytes) throw new JwksFetchError(`the response exceeds the ${maxBytes}-byte cap`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Downloads a JWKS and returns the keys that may verify signatures.
 *
 * @throws {JwksFetchError} on a network error, timeout, non-200 status, redirect, oversize body,
 * or a body that is not a JWKS.
 */
export async function fetchJwks (uri: string, timeoutMs: number, maxBytes: number): Promise<Jwk[]> {
  let text: string
  try {
    const response = await fetch(uri, {
      method: 'GET',
      redirect: 'manual',
      headers: { accept: 'application/jwk-set+json, application/json' },
      signal: AbortSignal.timeout(timeoutMs)
    })
    if (response.status !== 200) {
      await response.body?.cancel()
      throw new JwksFetchError(`the JWKS endpoint answered HTTP ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}`)
    }
    text = await readCapped(response, maxBytes)
  } catch (err) {
    if (err instanceof JwksFetchError) throw err
    const name = (err as Error).name
    throw new JwksFetchError(name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'the JWKS endpoint could not be reached')
  }
  let body: unknown
  try {
    body = secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' })
  } catch {
    throw new JwksFetchError('the response is not JSON')
  }
  const keys = (body as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys)) throw new JwksFetchError('the response has no "keys" array')
  const accepted: Jwk[] = []
  for (const raw of keys) {
    const jwk = acceptJwk(raw)
    if (jwk !== undefined) accepted.push(jwk)
    if (accepted.length === MAX_KEYS) break
  }
  return accepted
}
