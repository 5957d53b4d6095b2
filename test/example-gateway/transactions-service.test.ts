import t from 'tap'
import { buildTransactionsService } from '../../example-gateway/transactions-service.js'
import { accessClaims, makeKey, NOW_S, sign } from '../helpers/keys.js'
import { startJwksServer } from '../helpers/jwks-server.js'

t.test('the transactions service protects itself by scope and validates its input', async (t) => {
  const key = await makeKey()
  const jwks = await startJwksServer([key.jwk])
  const app = await buildTransactionsService({ auth: { issuer: jwks.issuer, clientId: null, clock: () => NOW_S * 1000 + 1000 } })
  t.teardown(async () => { await app.close(); await jwks.close() })
  const both = { authorization: `Bearer ${await sign(key, accessClaims(jwks.issuer))}` }
  const getOnly = { authorization: `Bearer ${await sign(key, accessClaims(jwks.issuer, { scope: 'transactions/get' }))}` }

  const created = await app.inject({ method: 'POST', url: '/transactions', headers: both, payload: { amount: 12.5, currency: 'EUR', description: 'coffee' } })
  t.equal(created.statusCode, 201)
  const tx = created.json()
  t.match(tx, { amount: 12.5, currency: 'EUR', description: 'coffee', createdBy: 'client-abc' })
  t.equal(created.headers.location, `/transactions/${tx.id as string}`)
  t.equal((await app.inject({ method: 'POST', url: '/transactions', headers: both, payload: { amount: 1, currency: 'USD' } })).json().description, '')

  t.equal((await app.inject({ url: `/transactions/${tx.id as string}`, headers: getOnly })).json().id, tx.id)
  t.equal((await app.inject({ url: '/transactions/missing', headers: getOnly })).statusCode, 404)
  t.equal((await app.inject({ url: '/transactions', headers: getOnly })).json().transactions.length, 2)

  t.equal((await app.inject({ method: 'POST', url: '/transactions', headers: getOnly, payload: { amount: 1, currency: 'EUR' } })).statusCode, 403)
  for (const payload of [{ amount: -1, currency: 'EUR' }, { amount: 1, currency: 'euro' }, { amount: 1 }, { amount: 1, currency: 'EUR', extra: true }, { amount: '1', currency: 'EUR' }]) {
    const res = await app.inject({ method: 'POST', url: '/transactions', headers: both, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json().message, /body/)
  }
  const notJson = await app.inject({ method: 'POST', url: '/transactions', headers: { ...both, 'content-type': 'application/json' }, payload: '{"amount":' })
  t.equal(notJson.statusCode, 400)
})
