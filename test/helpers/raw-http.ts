// Raw HTTP/1.1 over a socket: fetch and undici normalise paths, so path attacks need this.
import { connect } from 'node:net'

export interface RawResponse { status: number, head: string, body: string }

function complete (data: string): RawResponse | undefined {
  // Interim answers (100 Continue to an Expect header) come before the final one.
  data = data.replace(/^(?:HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '')
  const split = data.indexOf('\r\n\r\n')
  if (split === -1) return undefined
  const head = data.slice(0, split)
  const body = data.slice(split + 4)
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)
  const chunked = /\r\ntransfer-encoding: *chunked/i.test(head)
  if (length !== null && body.length < Number(length[1])) return undefined
  if (chunked && !body.endsWith('0\r\n\r\n')) return undefined
  return { status: Number(head.split(' ')[1]), head, body }
}

export async function rawRequest (port: number, requestLine: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    const finish = (): void => {
      const res = complete(data)
      if (res === undefined) return
      socket.destroy()
      resolve(res)
    }
    socket.setEncoding('latin1')
    socket.on('data', (chunk) => { data += chunk; finish() })
    socket.on('error', reject)
    socket.on('close', () => { resolve(complete(data) ?? { status: 0, head: data, body: '' }) })
    const lines = [requestLine, 'host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
  })
}
