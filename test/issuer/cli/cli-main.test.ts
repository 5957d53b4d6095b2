import { join } from 'node:path'
import t from 'tap'
import { CLI_DEFAULTS, runCli, USAGE, type CliIo } from '../../../src/issuer/cli/cli-main.js'
import { loadConfigFile } from '../../../src/issuer/config/config-file.js'
import { readJsonFile } from '../../../src/issuer/config/json-file.js'
import type { IssuerInstance } from '../../../src/issuer/server.js'
import type { KeyDocument } from '../../../src/issuer/keys/key-file.js'
import { basic, postToken } from '../../helpers/issuer-fixtures.js'

interface Captured extends CliIo { stdout: string[], stderr: string[], started: IssuerInstance[] }

function capture (): Captured {
  const stdout: string[] = []
  const stderr: string[] = []
  const started: IssuerInstance[] = []
  return { stdout, stderr, started, out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) }, onStarted: (app) => { started.push(app) } }
}

async function cli (args: string[]): Promise<{ code: number, out: string, err: string, json: any, started: IssuerInstance[] }> {
  const io = capture()
  const code = await runCli(args, io)
  const out = io.stdout.join('\n')
  let json: unknown
  try { json = JSON.parse(out) } catch {}
  return { code, out, err: io.stderr.join('\n'), json, started: io.started }
}

t.test('walks through the seed tutorial: pool, resource server, client, token', async (t) => {
  const dir = t.testdir()
  const config = join(dir, 'issuer.json')
  const keys = join(dir, 'issuer-keys.json')

  const init = await cli(['init', '--config', config, '--pool-name', 'myblog'])
  t.equal(init.code, 0)
  t.match(init.json, { configFile: config, poolId: /^local-1_/, resourceServers: [] })

  const rs = await cli(['add-resource-server', '--config', config, '--identifier', 'transactions', '--name', 'transactions', '--scope', 'get=get_tx', '--scope', 'post=post_tx'])
  t.equal(rs.code, 0, rs.err)
  t.same(rs.json, { identifier: 'transactions', name: 'transactions', scopes: [{ name: 'get', description: 'get_tx' }, { name: 'post', description: 'post_tx' }] })

  const client = await cli(['add-client', '--config', config, '--name', 'test', '--scope', 'transactions/post'])
  t.equal(client.code, 0, client.err)
  t.match(client.json, { clientId: /^[a-z0-9]{26}$/, clientSecret: /^[a-z0-9]{51}$/, allowedOAuthScopes: ['transactions/post'] })
  t.match(client.err, /only its hash is kept/)
  const { clientId, clientSecret } = client.json
  t.notMatch(JSON.stringify(await readJsonFile(config)), clientSecret, 'the config holds no secret')

  const start = await cli(['start', '--config', config, '--keys', keys, '--port', '0', '--log-level', 'silent'])
  t.equal(start.code, 0, start.err)
  const app = start.started[0]!
  t.teardown(() => app.close())
  t.match(start.json, { issuer: /^http:\/\/127\.0\.0\.1:\d+\/local-1_/, tokenEndpoint: /\/oauth2\/token$/, jwksUri: /jwks\.json$/, discoveryUrl: /openid-configuration$/ })
  const answer = await postToken(start.json.tokenEndpoint, { form: { grant_type: 'client_credentials', scope: 'transactions/post' }, authorization: basic(clientId, clientSecret) })
  t.equal(answer.status, 200)

  const rotated = await cli(['rotate-keys', '--keys', keys, '--config', config, '--lead', '0', '--margin', '60', '--algorithm', 'ES256'])
  t.equal(rotated.code, 0, rotated.err)
  t.match(rotated.json, { added: true, next: { alg: 'ES256' } })
  await app.issuer.reloadKeys()
  t.equal(app.issuer.jwks().keys.length, 2, 'the running issuer publishes the new key')
})

t.test('init can create the first resource server too, and uses the default file names', async (t) => {
  const dir = t.testdir()
  const cwd = process.cwd()
  process.chdir(dir)
  t.teardown(() => process.chdir(cwd))
  const init = await cli(['init', '--pool-id', 'local-1_Walk', '--resource-server', 'transactions', '--scope', 'get', '--scope', 'post=post_tx'])
  t.equal(init.code, 0, init.err)
  const { document } = await loadConfigFile(join(dir, CLI_DEFAULTS.configFile))
  t.same(document.resourceServers, [{ identifier: 'transactions', name: 'transactions', scopes: [{ name: 'get', description: 'get' }, { name: 'post', description: 'post_tx' }] }])
  t.equal((await cli(['init'])).code, 1, 'refuses to replace the file')
  t.equal((await cli(['init', '--force'])).code, 0)

  await cli(['add-resource-server', '--identifier', 'ledger', '--scope', 'read'])
  const bare = await cli(['add-resource-server', '--identifier', 'audit'])
  t.same(bare.json, { identifier: 'audit', name: 'audit', scopes: [] }, 'a resource server may start without scopes')
  const client = await cli(['add-client', '--scope', 'ledger/read', '--validity', '900', '--client-id', 'ledger_reader'])
  t.equal(client.json.clientId, 'ledger_reader')
  const { resolved } = await loadConfigFile(join(dir, CLI_DEFAULTS.configFile))
  t.equal(resolved.clients.get('ledger_reader')?.accessTokenValiditySeconds, 900)

  const start = await cli(['start', '--port', '0', '--log-level', 'silent', '--algorithm', 'EdDSA', '--host', '127.0.0.1'])
  t.equal(start.code, 0, start.err)
  t.teardown(() => start.started[0]!.close())
  t.match(start.started[0]!.issuer.jwks().keys[0], { alg: 'EdDSA' })
  const keyFile = await readJsonFile(join(dir, CLI_DEFAULTS.keyFile)) as KeyDocument
  t.equal(keyFile.keys.length, 1, 'start created the key file under its default name')
  const rotated = await cli(['rotate-keys'])
  t.equal(rotated.code, 0, rotated.err)
})

t.test('prints the help', async (t) => {
  const help = await cli(['help'])
  t.equal(help.code, 0)
  t.equal(help.out, USAGE)
  t.match(USAGE, /add-client/)
  t.equal((await cli(['--help'])).code, 0)
  t.equal((await cli(['-h'])).code, 0)
  const none = await cli([])
  t.equal(none.code, 2, 'no command is wrong usage')
  t.equal(none.err, USAGE)
})

t.test('exits 2 with a hint on wrong usage', async (t) => {
  const dir = t.testdir()
  const config = join(dir, 'issuer.json')
  await cli(['init', '--config', config, '--resource-server', 'transactions', '--scope', 'get'])
  for (const [args, says] of [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['toString'], /unknown command "toString"/],
    [['init', '--colour', 'blue'], /colour/],
    [['init', 'positional'], /positional/],
    [['add-resource-server', '--config', config], /--identifier is required/],
    [['add-client', '--config', config], /--scope is required/],
    [['add-client', '--config', config, '--scope', 'transactions/get', '--validity', 'soon'], /--validity must be a whole number/],
    [['rotate-keys', '--algorithm', 'HS256'], /--algorithm must be one of RS256, PS256, ES256, EdDSA/],
    [['start', '--port', 'eighty'], /--port must be a whole number/],
    [['start', '--port=-1'], /--port must be a whole number/]
  ] as Array<[string[], RegExp]>) {
    const run = await cli(args)
    t.equal(run.code, 2, args.join(' '))
    t.match(run.err, says)
    t.match(run.err, /Run "help"/)
  }
})

t.test('exits 1 and names the field when the change is invalid', async (t) => {
  const config = join(t.testdir(), 'issuer.json')
  await cli(['init', '--config', config])
  const run = await cli(['add-client', '--config', config, '--scope', 'transactions/post'])
  t.equal(run.code, 1)
  t.match(run.err, /"clients\[0\]\.allowedOAuthScopes\[0\]" must be a scope/)
  const missing = await cli(['rotate-keys', '--keys', join(t.testdirName, 'nope.json')])
  t.equal(missing.code, 1)
  t.match(missing.err, /cannot be read/)
})

async function cliWithStdin (args: string[], stdin: string | undefined): Promise<{ code: number, json: any, err: string }> {
  const io = capture()
  const code = await runCli(args, stdin === undefined ? io : { ...io, readStdin: async () => stdin })
  let json: unknown
  try { json = JSON.parse(io.stdout.join('\n')) } catch {}
  return { code, json, err: io.stderr.join('\n') }
}

t.test('manages users and code-flow clients: add-user, set-password, remove-user, add-client --flow code', async (t) => {
  const config = join(t.testdir(), 'issuer.json')
  await cli(['init', '--config', config, '--resource-server', 'transactions', '--scope', 'get'])
  const spa = await cli(['add-client', '--config', config, '--flow', 'code', '--public', '--scope', 'openid', '--scope', 'transactions/get',
    '--callback-url', 'http://localhost:3000/cb', '--logout-url', 'http://localhost:3000/bye', '--signing-alg', 'ES256', '--rotate-refresh-tokens', '--name', 'spa'])
  t.equal(spa.code, 0, spa.err)
  t.equal(spa.json.clientSecret, undefined, 'a public client has no secret')
  t.equal(spa.err, '', 'and nothing to store')
  const client = (await loadConfigFile(config)).resolved.clients.get(spa.json.clientId)
  t.match(client, { allowedOAuthFlows: ['code'], callbackURLs: ['http://localhost:3000/cb'], logoutURLs: ['http://localhost:3000/bye'], signingAlgorithm: 'ES256', refreshTokenRotation: true, secret: undefined })

  const generated = await cli(['add-user', '--config', config, '--username', 'jane', '--email', 'jane@example.com', '--email-verified', '--attribute', 'name=Jane Doe', '--group', 'admins'])
  t.equal(generated.code, 0, generated.err)
  t.match(generated.json, { username: 'jane', sub: /^[0-9a-f-]{36}$/, password: /^[a-z0-9]{24}$/ })
  t.match(generated.err, /Store the password now/)
  const jane = (await loadConfigFile(config)).resolved.users.get('jane')
  t.same(jane?.attributes, { name: 'Jane Doe', email: 'jane@example.com', email_verified: true })
  t.same(jane?.groups, ['admins'])
  t.notMatch(JSON.stringify(await readJsonFile(config)), generated.json.password, 'only the hash is stored')

  const typed = await cliWithStdin(['add-user', '--config', config, '--username', 'bob', '--password-stdin'], 'bob-password-1\n')
  t.equal(typed.code, 0, typed.err)
  t.equal(typed.json.password, undefined, 'a password read from stdin is not printed')
  const reset = await cliWithStdin(['set-password', '--config', config, '--username', 'bob', '--password-stdin'], 'bob-password-2')
  t.same(reset.json, { username: 'bob' })
  const regenerated = await cli(['set-password', '--config', config, '--username', 'bob'])
  t.match(regenerated.json, { username: 'bob', password: /^[a-z0-9]{24}$/ })
  const removed = await cli(['remove-user', '--config', config, '--username', 'bob'])
  t.same(removed.json, { username: 'bob', removed: true })
  t.equal((await loadConfigFile(config)).resolved.users.size, 1)

  for (const [args, says] of [
    [['add-user', '--config', config], /--username is required/],
    [['add-user', '--config', config, '--username', 'x', '--attribute', 'novalue'], /--attribute must be <name>=<value>/],
    [['add-user', '--config', config, '--username', 'x', '--password-stdin'], /--password-stdin needs standard input/],
    [['add-client', '--config', config, '--scope', 'openid', '--flow', 'implicit'], /--flow must be client_credentials or code/],
    [['add-client', '--config', config, '--scope', 'openid', '--signing-alg', 'HS256'], /--signing-alg must be one of RS256, PS256, ES256/],
    [['remove-user', '--config', config, '--username', 'nobody'], /no user "nobody"/],
    [['set-password', '--config', config], /--username is required/]
  ] as Array<[string[], RegExp]>) {
    const run = await cli(args)
    t.equal(run.code, 2, args.join(' '))
    t.match(run.err, says)
  }
  const short = await cliWithStdin(['set-password', '--config', config, '--username', 'jane', '--password-stdin'], 'short')
  t.equal(short.code, 2)
  t.match(short.err, /8 to 256/)
})

t.test('start on a busy port exits 1 with one line naming the port and --port', async (t) => {
  const { createServer } = await import('node:net')
  const busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { busy.close() })
  const port = (busy.address() as { port: number }).port
  const dir = t.testdir()
  const config = join(dir, 'issuer.json')
  await cli(['init', '--config', config])
  const run = await cli(['start', '--config', config, '--keys', join(dir, 'keys.json'), '--port', String(port), '--log-level', 'silent'])
  t.equal(run.code, 1)
  t.equal(run.err, `port ${port} is already in use; set --port to another port (0 picks a free one)`)
  t.same(run.started, [], 'nothing was left running')
})
