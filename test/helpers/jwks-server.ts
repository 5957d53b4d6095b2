// A real JWKS server on 127.0.0.1, port 0, whose behaviour each test can change.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type JwksHandler = (req: IncomingMessage, res: ServerResponse) => void

export interface JwksServer {
  readonly origin: string
  readonly issuer: string
  readonly jwksUri: string
  /** Every request the server received. */
  readonly requests: IncomingMessage[]
  keys: unknown[]
  /** Replace the default handler (which serves `{ keys }`). */
  handler: JwksHandler | undefined
  close: () => Promise<void>
}

/** Starts a JWKS server; `port` 0 (the default) picks a free one, a given port restarts a closed server there. */
export async function startJwksServer (keys: unknown[] = [], pool = 'local_pool', port = 0): Promise<JwksServer> {
  const state: { keys: unknown[], handler: JwksHandler | undefined } = { keys, handler: undefined }
  const requests: IncomingMessage[] = []
  const server: Server = createServer((req, res) => {
    requests.push(req)
    if (state.handler !== undefined) return state.handler(req, res)
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: state.keys }))
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const issuer = `${origin}/${pool}`
  return {
    origin,
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    requests,
    get keys () { return state.keys },
    set keys (k) { state.keys = k },
    get handler () { return state.handler },
    set handler (h) { state.handler = h },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** A clock the test moves by hand, in milliseconds. */
export interface ManualClock { now: () => number, advance: (ms: number) => void, set: (ms: number) => void }

/** A clock the test moves by hand, in milliseconds. */
export function manualClock (startMs = 1_800_000_000_000): ManualClock {
  let t = startMs
  return { now: () => t, advance: (ms) => { t += ms }, set: (ms) => { t = ms } }
}
