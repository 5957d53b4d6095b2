// A real redis-server (Debian's package) on a free loopback port, started and stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { redisServer } from './system-tools.js'

export interface RunningRedis {
  readonly port: number
  readonly url: string
  /** Stops the server; `start()` brings it back on the same port. */
  stop: () => Promise<void>
  start: () => Promise<void>
}

// redis-server has no `--port 0`: take a free port from the kernel, release it, hand it over.
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return port
}

async function launch (port: number): Promise<ChildProcess> {
  const child = spawn(redisServer.path, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
  await new Promise<void>((resolve, reject) => {
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => { reject(new Error(`redis-server exited (${String(code)}): ${output}`)) })
  })
  return child
}

export async function startRedis (): Promise<RunningRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined = await launch(port)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      const running = child
      child = undefined
      if (running === undefined || running.exitCode !== null) return
      await new Promise<void>((resolve) => { running.once('exit', () => { resolve() }); running.kill('SIGTERM') })
    },
    start: async () => { child = await launch(port) }
  }
}
