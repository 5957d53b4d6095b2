// An upstream that records what reached it and answers with it, on 127.0.0.1, port 0.
import { createServer, type IncomingHttpHeaders, type ServerResponse, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Recorded { method: string, url: string, headers: IncomingHttpHeaders, rawHeaders: string[] }

export interface RecordingUpstream {
  url: string
  received: Recorded[]
  /** Replace the default answer (200 with the recorded request as JSON). */
  handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  close: () => Promise<void>
}

export async function startRecordingUpstream (): Promise<RecordingUpstream> {
  const received: Recorded[] = []
  const state: { handler: RecordingUpstream['handler'] } = { handler: undefined }
  const server = createServer((req, res) => {
    const rec = { method: req.method as string, url: req.url as string, headers: req.headers, rawHeaders: req.rawHeaders }
    received.push(rec)
    req.resume()
    if (state.handler !== undefined) return state.handler(req, res)
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(rec))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    get handler () { return state.handler },
    set handler (h) { state.handler = h },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
