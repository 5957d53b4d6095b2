import t from 'tap'
import { cognitoIssuers, isUserPoolId } from '../../src/verifier/cognito.js'

t.test('derives both issuer forms from a user pool id', async (t) => {
  t.same(cognitoIssuers('eu-west-1_AbC123'), [
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'
  ])
})

t.test('recognises the shape of a user pool id', async (t) => {
  t.ok(isUserPoolId('us-gov-west-1_x9'))
  t.notOk(isUserPoolId('eu-west-1'))
  t.notOk(isUserPoolId('eu-west-1_a/b'))
  t.notOk(isUserPoolId(42))
})
