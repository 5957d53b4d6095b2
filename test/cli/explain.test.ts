// explain gives the verdict and the reason for every refusal code the verifier can produce: one
// test per code, each with a real JWKS server on loopback (or a JWKS file) and tokens jose signs.
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { runCli } from '../../src/cli/cli-main.js'
import { explainToken, type ExplainReport } from '../../src/cli/explain.js'
import { FIXES } from '../../src/cli/fixes.js'
import { ERROR_CODES } from '../../src/verifier/errors.js'
import { resolveOptions } from '../../src/verifier/options.js'
import { startJwksServer, type JwksServer } from '../helpers/jwks-server.js'
import { accessClaims, makeKey, NOW_S, sign, type TestKey } from '../helpers/keys.js'

interface Run { code: number, report: ExplainReport, out: string[], err: string[] }

async function explain (token: string, flags: string[]): Promise<Run> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(['explain', token, '--json', ...flags], { out: (s) => { out.push(s) }, err: (s) => { err.push(s) }, readStdin: async () => '' })
  return { code, report: JSON.parse(out[0] ?? 'null') as ExplainReport, out, err }
}

const key = await makeKey('RS256', 'key-1')
const server: JwksServer = await startJwksServer([key.jwk])
t.teardown(server.close)
const now = String(NOW_S + 60)
const base = ['--issuer', server.issuer, '--client-id', 'client-abc', '--now', now]
const token = async (overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}, k: TestKey = key): Promise<string> =>
  await sign(k, accessClaims(server.issuer, overrides), header)

/** Asserts a refusal: the exit status, the code, the check that failed and that every later one did not run. */
function refused (t: Test, run: Run, code: string, step: string, status = 401): void {
  t.equal(run.code, 1, 'exit status 1')
  t.equal(run.report.verdict, 'refused')
  t.equal(run.report.code, code)
  t.equal(run.report.status, status)
  const i = run.report.checks.findIndex((c) => c.result === 'failed')
  const failed = run.report.checks[i]
  t.equal(failed?.step, step, `the ${step} check failed`)
  t.equal(failed?.code, code)
  t.equal(failed?.fix, FIXES[code as keyof typeof FIXES])
  t.ok(run.report.checks.slice(0, i).every((c) => c.result === 'passed'), 'every check before it passed')
  t.ok(run.report.checks.slice(i + 1).every((c) => c.result === 'not-run'), 'no check after it ran')
}

t.test('a good token is accepted: every check passed, the key that verified it, its times in words', async (t) => {
  const run = await explain(await token(), [...base, '--scope', 'transactions/post'])
  t.equal(run.code, 0)
  t.equal(run.report.verdict, 'accepted')
  t.equal(run.report.status, 200)
  t.equal(run.report.code, null)
  t.same(run.report.checks.map((c) => [c.step, c.result]), [
    ['decode', 'passed'], ['header', 'passed'], ['issuer', 'passed'], ['typ', 'passed'], ['key', 'passed'],
    ['signature', 'passed'], ['time', 'passed'], ['claims', 'passed'], ['requirements', 'passed']
  ])
  t.same(run.report.key, { kid: 'key-1', alg: 'RS256', kty: 'RSA' })
  t.same(run.report.times.find((x) => x.claim === 'exp'), { claim: 'exp', value: NOW_S + 3600, at: new Date((NOW_S + 3600) * 1000).toISOString(), inSeconds: 3540, human: 'expires in 59 min' })
  t.match(run.report.times.find((x) => x.claim === 'iat'), { inSeconds: -60, human: 'issued 60 s ago' })
  t.equal(run.report.claims?.client_id, 'client-abc')
  t.equal(run.report.header?.kid, 'key-1')
})

t.test('ERR_TOKEN_TOO_LARGE: the decode check fails before anything is decoded', async (t) => {
  const run = await explain('a'.repeat(9000), base)
  refused(t, run, 'ERR_TOKEN_TOO_LARGE', 'decode')
  t.equal(run.report.header, null)
})

t.test('ERR_TOKEN_MALFORMED: input that is no JWT fails the decode check', async (t) => {
  for (const input of ['not-a-jwt', 'opaque.refresh-token', 'a.b.c']) {
    const run = await explain(input, base)
    refused(t, run, 'ERR_TOKEN_MALFORMED', 'decode')
    t.equal(run.report.claims, null)
    t.same(run.report.times, [])
  }
})

t.test('ERR_ALG_NOT_ALLOWED: a token signed with an algorithm outside --algorithms fails the header check', async (t) => {
  const ec = await makeKey('ES256', 'key-1')
  refused(t, await explain(await token({}, {}, ec), base), 'ERR_ALG_NOT_ALLOWED', 'header')
})

t.test('ERR_HEADER_INVALID: a cty fails the header check, and a typ the profile refuses fails the typ check', async (t) => {
  refused(t, await explain(await token({}, { cty: 'JWT' }), base), 'ERR_HEADER_INVALID', 'header')
  const rfc9068 = ['--issuer', server.issuer, '--profile', 'rfc9068', '--audience', 'api', '--jwks', server.jwksUri, '--now', now]
  refused(t, await explain(await token({ aud: 'api' }, { typ: 'JWT' }), rfc9068), 'ERR_HEADER_INVALID', 'typ')
})

t.test('ERR_ISSUER_MISMATCH: a token from another issuer fails the issuer check, which names the near miss', async (t) => {
  const run = await explain(await token({ iss: `${server.issuer}/` }), base)
  refused(t, run, 'ERR_ISSUER_MISMATCH', 'issuer')
  t.match(run.report.checks[2]?.detail, /trailing slash/)
})

t.test('ERR_KEY_NOT_FOUND: a kid the JWKS does not publish fails the key check', async (t) => {
  refused(t, await explain(await token({}, {}, await makeKey('RS256', 'unknown-kid')), base), 'ERR_KEY_NOT_FOUND', 'key')
})

t.test('ERR_JWKS_UNAVAILABLE: a JWKS that cannot be fetched fails the key check with 503', async (t) => {
  const down = await startJwksServer([key.jwk])
  t.teardown(down.close)
  down.handler = (_req, res) => { res.statusCode = 500; res.end() }
  const run = await explain(await sign(key, accessClaims(down.issuer)), ['--issuer', down.issuer, '--any-client', '--now', now])
  refused(t, run, 'ERR_JWKS_UNAVAILABLE', 'key', 503)
  t.match(run.report.checks[4]?.detail, /HTTP 500/)
})

t.test('ERR_ALG_KEY_MISMATCH: a key published for another algorithm fails the key check', async (t) => {
  const other = await makeKey('RS256', 'rs384-only', { jwkAlg: 'RS384' })
  const dir = t.testdir({ 'jwks.json': JSON.stringify({ keys: [other.jwk] }) })
  refused(t, await explain(await token({}, {}, other), [...base, '--jwks', `${dir}/jwks.json`]), 'ERR_ALG_KEY_MISMATCH', 'key')
})

t.test('ERR_SIGNATURE_INVALID: another key under the published kid fails the signature check', async (t) => {
  refused(t, await explain(await token({}, {}, await makeKey('RS256', 'key-1')), base), 'ERR_SIGNATURE_INVALID', 'signature')
})

t.test('ERR_TOKEN_EXPIRED: a token past exp fails the time check, and says how long ago in words', async (t) => {
  const run = await explain(await token(), [...base, '--now', String(NOW_S + 3600 + 7300)])
  refused(t, run, 'ERR_TOKEN_EXPIRED', 'time')
  t.match(run.report.times.find((x) => x.claim === 'exp'), { inSeconds: -7300, human: 'expired 2 h ago' })
})

t.test('ERR_TOKEN_NOT_YET_VALID: a token before its nbf fails the time check', async (t) => {
  const run = await explain(await token({ nbf: NOW_S + 600 }), base)
  refused(t, run, 'ERR_TOKEN_NOT_YET_VALID', 'time')
  t.match(run.report.times.find((x) => x.claim === 'nbf'), { inSeconds: 540, human: 'valid in 9 min' })
})

t.test('ERR_TOKEN_LIFETIME_TOO_LONG: a token that lives two days fails the time check', async (t) => {
  refused(t, await explain(await token({ exp: NOW_S + 172_800 }), base), 'ERR_TOKEN_LIFETIME_TOO_LONG', 'time')
})

t.test('ERR_CLAIM_INVALID: a token without sub fails the claims check', async (t) => {
  const run = await explain(await token({ sub: undefined }), base)
  refused(t, run, 'ERR_CLAIM_INVALID', 'claims')
  t.match(run.report.checks[7]?.detail, /"sub"/)
})

t.test('ERR_TOKEN_USE_MISMATCH: an ID token where access tokens belong fails the claims check', async (t) => {
  refused(t, await explain(await token({ token_use: 'id', aud: 'client-abc' }), base), 'ERR_TOKEN_USE_MISMATCH', 'claims')
})

t.test('ERR_CLIENT_ID_MISMATCH: a client outside --client-id fails the claims check', async (t) => {
  refused(t, await explain(await token(), ['--issuer', server.issuer, '--client-id', 'other-client', '--now', now]), 'ERR_CLIENT_ID_MISMATCH', 'claims')
})

t.test('ERR_AUDIENCE_MISMATCH: an aud outside --audience fails the claims check', async (t) => {
  refused(t, await explain(await token({ aud: 'other-api' }), [...base, '--audience', 'api']), 'ERR_AUDIENCE_MISMATCH', 'claims')
})

t.test('ERR_INSUFFICIENT_SCOPE: a missing --scope fails the requirements check with 403', async (t) => {
  const run = await explain(await token(), [...base, '--scope', 'transactions/post', '--scope', 'admin'])
  refused(t, run, 'ERR_INSUFFICIENT_SCOPE', 'requirements', 403)
  t.match(run.report.checks[8]?.detail, /admin/)
})

t.test('ERR_INSUFFICIENT_GROUP: a missing --group fails the requirements check with 403', async (t) => {
  refused(t, await explain(await token({ 'cognito:groups': ['users'] }), [...base, '--group', 'admins']), 'ERR_INSUFFICIENT_GROUP', 'requirements', 403)
})

t.test('ERR_INSUFFICIENT_CLAIM: a --claim the token does not hold fails the requirements check with 403', async (t) => {
  const claims = { realm_access: { roles: ['user'] } }
  refused(t, await explain(await token(claims), [...base, '--claim', 'realm_access.roles=admin']), 'ERR_INSUFFICIENT_CLAIM', 'requirements', 403)
  const run = await explain(await token(claims), [...base, '--claim', 'realm_access.roles=user', '--group', 'g'])
  t.equal(run.report.code, 'ERR_INSUFFICIENT_GROUP')
  const met = await explain(await token({ ...claims, 'cognito:groups': ['g'] }), [...base, '--claim', 'realm_access.roles=user', '--group', 'g'])
  t.match(met.report.checks[8], { result: 'passed', detail: 'the token holds group g, claim realm_access.roles' })
})

t.test('the requirements check does not run when the token itself is refused', async (t) => {
  const run = await explain(await token({ sub: undefined }), [...base, '--scope', 'admin'])
  t.same(run.report.checks[8], { step: 'requirements', result: 'not-run' })
  t.equal(run.report.code, 'ERR_CLAIM_INVALID')
})

t.test('an error that is no refusal is thrown, not turned into a verdict', async (t) => {
  const o = resolveOptions({ issuer: server.issuer, clientId: null, clock: () => (NOW_S + 60) * 1000 })
  await t.rejects(explainToken(await token(), o, { getKeys: async () => { throw new RangeError('broken key source') } }), RangeError)
})

// The codes of the README's error table that explain cannot meet, because only the HTTP edge, the
// application or a long-running cache produces them; the README says so in explain's section.
const NOT_EXPLAINED = ['ERR_CREDENTIALS_MISSING', 'ERR_MULTIPLE_TOKENS', 'ERR_AUTHORIZATION_MALFORMED', 'ERR_CLAIM_REJECTED', 'ERR_KEY_LOOKUP_UNAVAILABLE', 'ERR_INVALID_OPTION']

t.test('every code of the README\'s error table has its test above, or the README says explain does not apply to it', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const table = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('## What is rejected'))
  const codes = [...table.matchAll(/^\| `(ERR_[A-Z_]+)` \| `/gm)].map((m) => m[1] as string)
  t.same(codes.filter((c) => !NOT_EXPLAINED.includes(c)).sort(), ERROR_CODES.filter((c) => !NOT_EXPLAINED.includes(c)).sort())
  const tested = readFileSync(new URL(import.meta.url), 'utf8')
  for (const code of codes.filter((c) => !NOT_EXPLAINED.includes(c))) t.match(tested, `t.test('${code}: `, `${code} has its test`)
  const section = readme.slice(readme.indexOf('## Why was my token refused?'))
  for (const code of NOT_EXPLAINED) t.match(section.slice(0, section.indexOf('\n## ')), code, `the README says explain does not apply to ${code}`)
})
