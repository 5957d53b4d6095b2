import t from 'tap'
import { DEFAULT_IDENTITY_HEADERS } from '../../src/gateway/config.js'
import { identityHeaderRewriter } from '../../src/gateway/identity-headers.js'
import { canonicalHeaderName, DECISIONS_KEPT, strippedHeaderMatcher, WELL_KNOWN_IDENTITY_HEADERS, WELL_KNOWN_IDENTITY_PREFIXES } from '../../src/gateway/stripped-headers.js'
import type { VerifiedToken } from '../../src/index.js'

const rewrite = identityHeaderRewriter(DEFAULT_IDENTITY_HEADERS)

t.test('without a verified token, forged identity headers are dropped and none are added', async (t) => {
  t.same(rewrite({ 'x-auth-sub': 'admin', x_auth_scopes: 'a', 'x-forwarded-user': 'root', accept: '*/*' }, null), { accept: '*/*' })
})

t.test('identity values are encoded, lists item by item', async (t) => {
  const auth = { sub: 'süb', scopes: [], groups: ['a,b', ''], clientId: undefined, username: 'zoë', tokenUse: undefined, issuer: 'https://idp.example/pool 1' } as unknown as VerifiedToken
  t.same(rewrite({}, auth), { 'x-auth-sub': 's%C3%BCb', 'x-auth-scopes': '', 'x-auth-username': 'zo%C3%AB', 'x-auth-groups': 'a%2Cb', 'x-auth-issuer': 'https://idp.example/pool%201' })
})

t.test('groups of only empty names are no groups: the header is absent', async (t) => {
  const auth = { sub: 's', scopes: ['a'], groups: [''], clientId: undefined, username: undefined, tokenUse: 'access', issuer: 'https://idp.example' } as unknown as VerifiedToken
  t.same(rewrite({}, auth), { 'x-auth-sub': 's', 'x-auth-scopes': 'a', 'x-auth-token-use': 'access', 'x-auth-issuer': 'https://idp.example' })
})

t.test('every well-known name and prefix is stripped whatever its case and _ spelling; others pass', async (t) => {
  const stripped = strippedHeaderMatcher(['x-mine'], ['x-corp-'])
  for (const name of WELL_KNOWN_IDENTITY_HEADERS) {
    t.ok(stripped(name) && stripped(name.toUpperCase()) && stripped(name.replaceAll('-', '_')), name)
  }
  for (const prefix of WELL_KNOWN_IDENTITY_PREFIXES) t.ok(stripped(`${prefix.toUpperCase()}ANYTHING`), prefix)
  t.ok(stripped('X_MINE') && stripped('x-corp-role') && stripped('X_Corp_Role'))
  t.notOk(stripped('x-request-id') || stripped('accept') || stripped('authorization') || stripped('x-remote-addr'))
  t.equal(canonicalHeaderName('X_Forwarded_User'), 'x-forwarded-user')
})

t.test('answers the same past the names it remembers, so a flood of made-up names changes nothing', async (t) => {
  const stripped = strippedHeaderMatcher([], [])
  const kept = Array.from({ length: DECISIONS_KEPT + 10 }, (_, i) => stripped(`x-made-up-${i}`))
  t.equal(kept.filter(Boolean).length, 0, `${kept.length} made-up names, none stripped`)
  t.equal(stripped('X_Forwarded_User'), true, 'a name first seen after the flood is still stripped')
  t.equal(stripped('x-made-up-0'), false, 'and a remembered answer still holds')
  t.equal(stripped('X_Forwarded_User'), true)
})

t.test("a token's identity headers are encoded once and reused for its later requests", async (t) => {
  const auth = { sub: 'süb', scopes: ['a'], groups: [], clientId: 'c', username: undefined, tokenUse: 'access', issuer: 'https://idp.example' } as unknown as VerifiedToken
  const first = rewrite({ 'x-auth-sub': 'forged', 'x-auth-issuer': 'https://evil.example' }, auth)
  t.same(first, { 'x-auth-sub': 's%C3%BCb', 'x-auth-scopes': 'a', 'x-auth-client-id': 'c', 'x-auth-token-use': 'access', 'x-auth-issuer': 'https://idp.example' })
  t.same(rewrite({ accept: '*/*' }, auth), { accept: '*/*', ...first }, 'the same values the second time')
})

t.test('where the request came from is set by the gateway, never taken from the client', async (t) => {
  const sent = { 'x-forwarded-for': '6.6.6.6', Forwarded: 'for=6.6.6.6', 'X-Real-IP': '6.6.6.6', x_forwarded_host: 'evil.example', accept: '*/*' }
  t.same(rewrite(sent, null, { ip: '203.0.113.7', host: 'api.example', protocol: 'https' }),
    { accept: '*/*', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-host': 'api.example', 'x-forwarded-proto': 'https' })
  t.same(rewrite(sent, null, { ip: undefined, host: '', protocol: 'http' }), { accept: '*/*', 'x-forwarded-proto': 'http' },
    'a client that hung up has no address, an HTTP/1.0 request may have no host')
  t.same(rewrite(sent, null), { accept: '*/*' }, 'without an origin nothing is set')
})
