// The executable, run as a user would: a separate node process.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { runCli } from '../../src/issuer/cli/cli-main.js'
import { basic, postToken } from '../helpers/issuer-fixtures.js'

const CLI = fileURLToPath(new URL('../../src/issuer/cli.ts', import.meta.url))

interface Run { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

/** Runs the CLI in a child node with this test's TypeScript loader; `untilOutput` stops it with SIGTERM once it printed something. */
function run (args: string[], untilOutput = false, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    child.stdin.end(stdin)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      if (untilOutput && stdout.trim().endsWith('}')) void onStarted(stdout).finally(() => child.kill('SIGTERM'))
    })
    child.stderr.on('data', (chunk) => { stderr += chunk })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

let onStarted: (stdout: string) => Promise<void> = async () => {}

t.test('exits 2 on an unknown command, with the message on stderr', async (t) => {
  const result = await run(['frobnicate'])
  t.equal(result.code, 2)
  t.match(result.stderr, /unknown command "frobnicate"/)
  t.equal(result.stdout, '')
})

t.test('serves tokens, and stops cleanly on SIGTERM', async (t) => {
  const dir = t.testdir()
  const config = join(dir, 'issuer.json')
  const quiet = { out: () => {}, err: () => {} }
  t.equal(await runCli(['init', '--config', config, '--resource-server', 'transactions', '--scope', 'post'], quiet), 0)
  const lines: string[] = []
  await runCli(['add-client', '--config', config, '--scope', 'transactions/post'], { out: (s) => { lines.push(s) }, err: () => {} })
  const client = JSON.parse(lines.join(''))
  let status = 0
  onStarted = async (stdout) => {
    const { tokenEndpoint } = JSON.parse(stdout.slice(stdout.indexOf('{')))
    status = (await postToken(tokenEndpoint, { form: { grant_type: 'client_credentials' }, authorization: basic(client.clientId, client.clientSecret) })).status
  }
  const served = await run(['start', '--config', config, '--keys', join(dir, 'keys.json'), '--port', '0', '--log-level', 'silent'], true)
  t.equal(status, 200, 'the started issuer answered')
  t.equal(served.code, 0, 'it closed and exited on SIGTERM')
})

t.test('reads a password from standard input', async (t) => {
  const config = join(t.testdir(), 'issuer.json')
  t.equal(await runCli(['init', '--config', config], { out: () => {}, err: () => {} }), 0)
  const result = await run(['add-user', '--config', config, '--username', 'jane', '--password-stdin'], false, 'a long enough password\n')
  t.equal(result.code, 0, result.stderr)
  t.notMatch(result.stdout, /long enough/, 'the password is not printed')
})
