// The executable, run as a user would: a separate node process, the token piped on standard input.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { startJwksServer } from '../helpers/jwks-server.js'
import { accessClaims, makeKey, NOW_S, sign } from '../helpers/keys.js'

const CLI = fileURLToPath(new URL('../../src/cli/cli.ts', import.meta.url))

interface Run { code: number | null, stdout: string, stderr: string }

function run (args: string[], stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    child.stdin.end(stdin)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => { stdout += chunk })
    child.stderr.on('data', (chunk) => { stderr += chunk })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

t.test('explain - reads the token from standard input, fetches the JWKS and exits 0 or 1 by the verdict', async (t) => {
  const key = await makeKey('RS256', 'key-1')
  const server = await startJwksServer([key.jwk])
  t.teardown(server.close)
  const token = await sign(key, accessClaims(server.issuer))
  const args = ['explain', '-', '--issuer', server.issuer, '--client-id', 'client-abc', '--jwks', server.jwksUri, '--now']
  const accepted = await run([...args, String(NOW_S + 60)], token)
  t.equal(accepted.code, 0)
  t.match(accepted.stdout, /\nVerdict: accepted\n$/)
  const expired = await run([...args, String(NOW_S + 7200), '--json'], token)
  t.equal(expired.code, 1)
  t.equal(JSON.parse(expired.stdout).code, 'ERR_TOKEN_EXPIRED')
  for (const output of [accepted.stdout, expired.stdout]) t.notOk(output.includes(token.split('.')[2] as string), 'no signature in the output')
})

t.test('a usage error is one line on stderr and exit 2', async (t) => {
  const result = await run(['explain', '-', '--now', 'soon'], '')
  t.equal(result.code, 2)
  t.equal(result.stderr, '--now must be whole seconds since the epoch (got "soon")\n')
  t.equal(result.stdout, '')
})
