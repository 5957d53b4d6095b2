import t from 'tap'
import { runCli, USAGE, type CliIo } from '../../src/cli/cli-main.js'
import { startJwksServer } from '../helpers/jwks-server.js'
import { accessClaims, makeKey, NOW_S, sign } from '../helpers/keys.js'

function io (stdin = ''): { out: string[], err: string[], io: CliIo } {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (s) => { out.push(s) }, err: (s) => { err.push(s) }, readStdin: async () => stdin, clock: () => (NOW_S + 60) * 1000 } }
}

const key = await makeKey('RS256', 'key-1')
const server = await startJwksServer([key.jwk])
t.teardown(server.close)
const good = await sign(key, accessClaims(server.issuer, { 'cognito:groups': ['admins'] }))
const base = ['--issuer', server.issuer, '--client-id', 'client-abc']

t.test('--help prints the usage under the bin name', async (t) => {
  const o = io()
  t.equal(await runCli(['--help'], o.io), 0)
  t.equal(o.out[0], USAGE)
  t.match(USAGE, /^Usage: fastify-resource-server explain <token \| ->/)
})

t.test('the text report shows the checks, the key and the verdict, and exits 0 for an accepted token', async (t) => {
  const o = io()
  t.equal(await runCli(['explain', good, ...base, '--group', 'admins'], o.io), 0)
  const text = o.out.join('\n')
  t.match(text, /^Header \(verified\)\n {2}\{"alg":"RS256","kid":"key-1"\}\nClaims \(verified\)/)
  t.match(text, /\n {2}exp {2}1800003600 {2}2027-01-15T09:00:00\.000Z {2}expires in 59 min \(\+3540 s\)\n/)
  t.match(text, /\n {2}iat {2}1800000000 {2}2027-01-15T08:00:00\.000Z {2}issued 60 s ago \(-60 s\)\n/)
  t.match(text, /\n {2}passed {3}signature {5}verified with kid "key-1" \(RSA\)\n/)
  t.match(text, /\n {2}passed {3}requirements {2}the token holds group admins\n/)
  t.match(text, /\nKey: kid "key-1", alg RS256, kty RSA\nVerdict: accepted$/)
})

t.test('a refused token exits 1 and names the failed check, its code and its fix', async (t) => {
  const o = io()
  t.equal(await runCli(['explain', good, '--issuer', server.issuer, '--client-id', 'other'], o.io), 1)
  const text = o.out.join('\n')
  t.match(text, /Header \(decoded, not trusted\)/)
  t.match(text, /\n {2}FAILED {3}claims {8}ERR_CLIENT_ID_MISMATCH: The token was issued to a client this resource does not accept\.\n {25}fix: Add the token's client/)
  t.match(text, /Verdict: refused \(401 ERR_CLIENT_ID_MISMATCH\)$/)
})

t.test('input that is no JWT shows nothing of the token, and later checks as not run', async (t) => {
  const o = io()
  t.equal(await runCli(['explain', 'hello world', ...base], o.io), 1)
  t.equal(o.out[0]?.split('\n')[0], 'Token: could not be decoded; nothing of it is shown.')
  t.match(o.out[0], /\n {2}not run {2}header\n/)
  t.notMatch(o.out[0], /Times/)
})

t.test('a token with an EC key names its curve, and an iat in the future is said so', async (t) => {
  const ec = await makeKey('ES256', 'ec-1')
  const dir = t.testdir({ 'jwks.json': JSON.stringify({ keys: [ec.jwk] }) })
  const o = io()
  const token = await sign(ec, accessClaims(server.issuer, { iat: NOW_S + 3600, exp: NOW_S + 7200 }))
  t.equal(await runCli(['explain', token, ...base, '--algorithms', 'ES256', '--jwks', `${dir}/jwks.json`], o.io), 1)
  t.match(o.out[0], /Key: kid "ec-1", alg ES256, kty EC, crv P-256/)
  t.match(o.out[0], /issued 59 min in the future/)
  t.match(o.out[0], /ERR_TOKEN_NOT_YET_VALID/)
})

t.test('a claim past what a date holds is shown as its number, and a token without a client says so', async (t) => {
  const o = io()
  t.equal(await runCli(['explain', await sign(key, accessClaims(server.issuer, { nbf: 1e300 })), ...base], o.io), 1)
  t.match(o.out[0], /\n {2}nbf {2}1e\+300 {2}not a date {2}valid in [\d.e+]+ d \(\+1e\+300 s\)\n/)
  t.equal(await runCli(['explain', await sign(key, accessClaims(server.issuer, { client_id: undefined })), '--issuer', server.issuer, '--any-client'], o.io), 0)
  t.match(o.out[1], /passed {3}claims {8}sub "client-abc", client null, token_use access/)
})

t.test('- reads the token from standard input; a pasted Bearer prefix and spaces are dropped', async (t) => {
  const o = io(`  Bearer ${good}\n`)
  t.equal(await runCli(['explain', '-', ...base, '--json'], o.io), 0)
  t.equal(JSON.parse(o.out[0] as string).verdict, 'accepted')
})

t.test('no output line holds the token or its signature, accepted or refused, text or JSON', async (t) => {
  const signature = good.split('.')[2] as string
  const expired = await sign(key, accessClaims(server.issuer, { exp: NOW_S + 1 }))
  for (const token of [good, expired]) {
    for (const extra of [[], ['--json'], ['--scope', 'nope']]) {
      const o = io()
      await runCli(['explain', token, ...base, ...extra], o.io)
      for (const line of [...o.out, ...o.err].join('\n').split('\n')) {
        t.notOk(line.includes(token) || line.includes(token.split('.')[2] as string) || line.includes(signature), 'the line holds no token and no signature')
      }
    }
  }
})

t.test('a control character in a claim is escaped, so it cannot forge a line of the report', async (t) => {
  const o = io()
  await runCli(['explain', await sign(key, accessClaims(server.issuer, { sub: 'x\n  passed   fake\u001b[2J' })), ...base], o.io)
  t.notMatch(o.out[0], /\n {2}passed {3}fake/)
  t.notMatch(o.out[0], /\u001b/)
  t.match(o.out[0], /x\\n {2}passed {3}fake\\u001b\[2J/)
})

t.test('--now takes whole seconds since the epoch; without it the clock decides', async (t) => {
  const o = io()
  t.equal(await runCli(['explain', good, ...base, '--now', String(NOW_S + 7200)], o.io), 1)
  t.match(o.out[0], /expired 1 h ago \(-3600 s\)/)
  t.equal(await runCli(['explain', good, ...base, '--now', '17e8'], o.io), 2)
  t.equal(o.err[0], '--now must be whole seconds since the epoch (got "17e8")')
})

t.test('usage errors are one line naming the flag and the value, exit 2', async (t) => {
  const cases: Array<[string[], string | RegExp]> = [
    [['explain', good], '--issuer or --user-pool-id is required: name the issuer whose tokens are trusted'],
    [['explain', good, '--issuer', server.issuer], '--client-id is required under the cognito profile: name the app client whose tokens are accepted, or pass --any-client'],
    [['explain', good, '--issuer', server.issuer, '--profile', 'rfc9068', '--jwks', server.jwksUri], /^--audience is required with the rfc9068 profile/],
    [['explain', good, '--issuer', 'http://issuer.example'], '--issuer must be an https URL; plain http is allowed only on loopback, or on a host listed in allowInsecureHttpHosts (got "http://issuer.example")'],
    [['explain', good, '--user-pool-id', 'nope', '--any-client'], '--user-pool-id must look like "<region>_<id>", for example "eu-west-1_AbC123" (got "nope")'],
    [['explain', good, ...base, '--algorithms', 'RS256,HS256'], /^--algorithms must be a non-empty array drawn from RS256/],
    [['explain', good, ...base, '--profile', 'acme'], /^--profile /],
    [['explain', good, ...base, '--jwks', 'http://keys.example/jwks.json'], /^--jwks must be an https URL/],
    [['explain', good, ...base, '--token-use', 'refresh'], '--token-use must be access, id or any (got "refresh")'],
    [['explain', good, ...base, '--scope', 'a b'], /^--scope must be a scope or an array of scopes/],
    [['explain', good, ...base, '--claim', 'roles'], '--claim must be <path>=<value> (got "roles")'],
    [['explain', good, ...base, '--claim', 'a..b=x'], /^--claim /],
    [['explain', good, '--issuer', server.issuer, '--any-client', '--client-id', 'x'], '--any-client and --client-id exclude each other'],
    [['explain', good, ...base, '--bogus'], /^Unknown option '--bogus'/],
    [['explain'], 'explain needs a token, or - to read it from standard input'],
    [['explain', good, good], 'explain takes one token; quote it if your shell splits it'],
    [[], 'a command is required: explain <token | -> (see --help)'],
    [['verify', good], 'unknown command "verify"; the command is explain (see --help)'],
    [[good, ...base], 'unknown command; the command is explain (see --help)']
  ]
  for (const [argv, expected] of cases) {
    const o = io()
    t.equal(await runCli(argv, o.io), 2, String(expected))
    t.equal(o.err.length, 1)
    t.match(o.err[0], expected)
    t.equal(o.out.length, 0)
    t.notOk(o.err[0]?.includes(good), 'the token is never echoed')
  }
})

t.test('--token-use any accepts an ID token; --audience checks aud', async (t) => {
  const id = await sign(key, accessClaims(server.issuer, { token_use: 'id', aud: 'client-abc' }))
  const o = io()
  t.equal(await runCli(['explain', id, ...base, '--token-use', 'any', '--audience', 'client-abc'], o.io), 0)
  t.equal(await runCli(['explain', id, ...base, '--token-use', 'id'], o.io), 0)
})

t.test('--user-pool-id trusts both of the pool\'s issuer URLs', async (t) => {
  const pool = 'eu-west-1_AbC123'
  const dir = t.testdir({ 'jwks.json': JSON.stringify({ keys: [key.jwk] }) })
  for (const iss of [`https://cognito-idp.eu-west-1.amazonaws.com/${pool}`, `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${pool}`]) {
    const o = io()
    t.equal(await runCli(['explain', await sign(key, accessClaims(iss)), '--user-pool-id', pool, '--any-client', '--jwks', `${dir}/jwks.json`, '--json'], o.io), 0, iss)
  }
})

t.test('--jwks <file> problems are usage errors naming the file', async (t) => {
  const dir = t.testdir({ 'notjwks.json': '{"keys":1}', 'bad.json': 'nope', 'latin1.json': Buffer.from([0x7b, 0xff, 0x7d]), 'big.json': `{"keys":[],"pad":"${'x'.repeat(600_000)}"}` })
  const cases: Array<[string, string]> = [
    ['missing.json', 'does not exist'],
    ['notjwks.json', 'is not a JWKS: a JSON object with a "keys" array'],
    ['bad.json', 'is not a JWKS: a JSON object with a "keys" array'],
    ['latin1.json', 'cannot be read as UTF-8 text'],
    ['big.json', 'is over the 524288-byte cap']
  ]
  for (const [file, message] of cases) {
    const o = io()
    t.equal(await runCli(['explain', good, ...base, '--jwks', `${dir}/${file}`], o.io), 2)
    t.match(o.err[0], /^--jwks "[^"]+" /, 'names the file')
    t.equal(o.err[0]?.slice(-message.length - 1), ` ${message}`)
  }
})

t.test('a --jwks file keeps only the keys the verifier would keep', async (t) => {
  const dir = t.testdir({ 'jwks.json': JSON.stringify({ keys: [{ ...key.jwk, use: 'enc' }, { ...key.jwk, key_ops: ['encrypt'] }] }) })
  const o = io()
  t.equal(await runCli(['explain', good, ...base, '--jwks', `${dir}/jwks.json`, '--json'], o.io), 1)
  const report = JSON.parse(o.out[0] as string)
  t.equal(report.code, 'ERR_KEY_NOT_FOUND')
  t.match(report.checks[4].detail, /the JWKS file does not hold/)
})

t.test('an error that is no refusal is not turned into a verdict', async (t) => {
  const o = io()
  o.io = { ...o.io, readStdin: async () => { throw new Error('stdin closed') } }
  await t.rejects(runCli(['explain', '-', ...base], o.io), /stdin closed/)
})
