/**
 * Starting a server under test in its own process (node:child_process fork), asking it for its
 * counters, and stopping it.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ChildMessage, ParentMessage, ServerSpec } from './server.js'

export interface ServerHandle {
  readonly origin: string
  readonly pid: number
  /** Memory and the app's own counters; `gc` collects garbage first. */
  stats: (gc?: boolean) => Promise<Record<string, number>>
  stop: () => Promise<void>
}

const SERVER = fileURLToPath(new URL('./server.js', import.meta.url))
const PROFILES = fileURLToPath(new URL('../../bench/results/profiles', import.meta.url))

export interface StartOptions {
  /** Write a V8 CPU profile named after `profileName` into bench/results/profiles/. */
  readonly profileName?: string
  /** Environment variables set for the server process only (UV_THREADPOOL_SIZE, say). */
  readonly env?: Readonly<Record<string, string>>
}

export async function startServer (spec: ServerSpec, options: StartOptions = {}): Promise<ServerHandle> {
  const execArgv = ['--expose-gc']
  if (options.profileName !== undefined) {
    mkdirSync(PROFILES, { recursive: true })
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=${options.profileName}.cpuprofile`)
  }
  const child: ChildProcess = fork(SERVER, [JSON.stringify(spec)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const pending = new Map<number, (stats: Record<string, number>) => void>()
  let nextId = 0

  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server ${spec.app} exited with code ${code} before it was ready`)))
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message.port)
      else if (message.type === 'stats') pending.get(message.id)?.(message.stats)
    })
  })

  function post (message: ParentMessage): void {
    child.send(message)
  }

  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    stats: async (gc = false) => await new Promise((resolve) => {
      const id = ++nextId
      pending.set(id, (stats) => { pending.delete(id); resolve(stats) })
      post({ type: 'stats', id, gc })
    }),
    stop: async () => {
      if (child.exitCode === null) post({ type: 'stop' })
      await exited
    }
  }
}
