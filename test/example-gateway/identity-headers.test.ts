import t from 'tap'
import { DEFAULT_IDENTITY_HEADERS } from '../../example-gateway/config.js'
import { identityHeaderRewriter } from '../../example-gateway/identity-headers.js'
import type { VerifiedToken } from '../../src/index.js'

const rewrite = identityHeaderRewriter(DEFAULT_IDENTITY_HEADERS)

t.test('without a verified token, forged identity headers are dropped and none are added', async (t) => {
  t.same(rewrite({ 'x-auth-sub': 'admin', x_auth_scopes: 'a', accept: '*/*' }, null), { accept: '*/*' })
})

t.test('identity values outside printable ASCII are percent-encoded', async (t) => {
  const auth = { sub: 'süb', scopes: [], groups: [], clientId: undefined, username: 'zoë', tokenUse: undefined } as unknown as VerifiedToken
  t.same(rewrite({}, auth), { 'x-auth-sub': 's%C3%BCb', 'x-auth-scopes': '', 'x-auth-username': 'zo%C3%AB' })
})
