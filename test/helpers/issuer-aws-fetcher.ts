// aws-jwt-verify fetches JWKS with node:https only, so an http:// JWKS URI fails with
// "Protocol http: not supported". Its supported extension point is a custom Fetcher given to a
// SimpleJwksCache, per verifier. This one speaks plain http to loopback and refuses anything
// else, so no check is weakened globally and nothing outside the test machine is reachable.
import type { Fetcher } from 'aws-jwt-verify/https'

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

export const loopbackFetcher: Fetcher = {
  async fetch (uri: string): Promise<ArrayBuffer> {
    const url = new URL(uri)
    if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) throw new Error(`loopbackFetcher only fetches http://127.0.0.1 (got ${url.origin})`)
    const response = await fetch(url, { redirect: 'error' })
    if (response.status !== 200) throw new Error(`JWKS answered ${response.status}`)
    return await response.arrayBuffer()
  }
}
