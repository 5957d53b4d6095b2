/**
 * The loopback JWKS server the servers under test fetch keys from. It runs in the bench's own
 * process and counts what it serves, so every verifier's JWKS fetches are counted the same way.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JWK } from 'jose'
import { POOL_ID } from './identity.js'

export interface JwksServer {
  /** The issuer-like base that get-jwks is given as its domain, ending in a slash. */
  readonly base: string
  readonly jwksUri: string
  /** JWKS documents served since start. */
  readonly fetches: number
  close: () => Promise<void>
}

export async function startJwksServer (keys: readonly JWK[]): Promise<JwksServer> {
  const body = JSON.stringify({ keys })
  let fetches = 0
  const server = createServer((req, res) => {
    if (req.url !== `/${POOL_ID}/.well-known/jwks.json`) {
      res.writeHead(404).end()
      return
    }
    fetches++
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body)
  })
  // Peers without a fetch dedupe open one connection per cold request.
  server.maxConnections = 10_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 2048, resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${POOL_ID}/`
  return {
    base,
    jwksUri: `${base}.well-known/jwks.json`,
    get fetches () { return fetches },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
