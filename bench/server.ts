/**
 * The child process that runs one server under test on 127.0.0.1, so the load generator and the
 * server each get a core. It is told what to build as JSON in argv[2], answers `{type:'ready'}`
 * with its port, then serves `stats` and `stop` requests over IPC.
 */
import { readFileSync } from 'node:fs'
import { APPS, type AppName } from './apps/index.js'
import type { AppContext } from './apps/app.js'
import { benchHandler } from './apps/handler.js'
import { ROUTE } from './identity.js'

export interface ServerSpec extends AppContext {
  readonly app: AppName
}

export type ParentMessage = { id: number, type: 'stats', gc?: boolean } | { type: 'stop' }
export type ChildMessage =
  | { type: 'ready', port: number }
  | { type: 'stats', id: number, stats: Record<string, number> }

/**
 * The peak resident set of this process. Linux's VmHWM belongs to the process image, while
 * getrusage's maxRSS survives fork and exec, so it would report the bench process's own peak.
 */
function peakRss (): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match !== null) return Number(match[1]) * 1024
  } catch {}
  return process.resourceUsage().maxRSS * 1024
}

function send (message: ChildMessage): void {
  process.send?.(message)
}

async function main (): Promise<void> {
  const spec = JSON.parse(process.argv[2] as string) as ServerSpec
  const built = await APPS[spec.app](spec)
  const app = built.app
  if (built.ownsRoute !== true) app.get(ROUTE, benchHandler)
  // a deep accept queue, so 1,000 simultaneous connects (row 9) are not retried by TCP after a second
  await app.listen({ host: '127.0.0.1', port: 0, backlog: 2048 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address')

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stats') {
      if (message.gc === true) globalThis.gc?.()
      const memory = process.memoryUsage()
      const cpu = process.cpuUsage()
      send({
        type: 'stats',
        id: message.id,
        stats: {
          rss: memory.rss,
          heapUsed: memory.heapUsed,
          maxRss: peakRss(),
          // all threads of the process, so WebCrypto work on the libuv pool counts too
          cpuUs: cpu.user + cpu.system,
          ...built.stats?.()
        }
      })
    } else if (message.type === 'stop') {
      // a normal exit lets --cpu-prof write its profile; the parent waits for it
      void app.close().finally(() => process.exit(0))
    }
  })
  send({ type: 'ready', port: address.port })
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
