import t from 'tap'
import Fastify from 'fastify'
import { resolveOpenApiOptions } from '../../src/fastify/openapi-options.js'
import { fastifyResourceServer, TokenVerifier } from '../../src/index.js'

const POOL = 'eu-west-1_AbC123'

t.test('is off unless given', async (t) => {
  t.equal(resolveOpenApiOptions(undefined, POOL), undefined)
})

t.test('derives both endpoints from a Cognito domain prefix and the pool\'s region', async (t) => {
  t.same(resolveOpenApiOptions({ cognitoDomain: 'my-app' }, POOL), {
    schemeName: 'oauth2',
    tokenUrl: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token',
    authorizationUrl: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
    scopes: {}
  })
  t.equal(resolveOpenApiOptions({ cognitoDomain: 'a-1' }, ['us-east-1_x', 'us-east-1_y'])?.tokenUrl, 'https://a-1.auth.us-east-1.amazoncognito.com/oauth2/token', 'several pools of one region')
})

t.test('derives both endpoints from a custom domain or a local Cognito-compatible issuer', async (t) => {
  const custom = resolveOpenApiOptions({ cognitoDomain: 'https://auth.example.com/' }, undefined)
  t.equal(custom?.tokenUrl, 'https://auth.example.com/oauth2/token')
  t.equal(custom?.authorizationUrl, 'https://auth.example.com/oauth2/authorize')
  t.equal(resolveOpenApiOptions({ cognitoDomain: 'http://127.0.0.1:9229' }, undefined)?.tokenUrl, 'http://127.0.0.1:9229/oauth2/token')
})

t.test('lets explicit endpoints win, and null leave the authorization-code flow out', async (t) => {
  const r = resolveOpenApiOptions({ cognitoDomain: 'my-app', tokenUrl: 'https://t.example.com/token', authorizationUrl: null, schemeName: 'cognito.Auth-2_x', scopes: { 'a/b': 'A' } }, POOL)
  t.same(r, { schemeName: 'cognito.Auth-2_x', tokenUrl: 'https://t.example.com/token', authorizationUrl: undefined, scopes: { 'a/b': 'A' } })
  t.ok(Object.isFrozen(r))
  t.same(resolveOpenApiOptions({ tokenUrl: 'https://t.example.com/token', authorizationUrl: 'https://t.example.com/authorize' }, undefined)?.authorizationUrl, 'https://t.example.com/authorize')
  t.equal(resolveOpenApiOptions({ tokenUrl: 'https://t.example.com/token', schemeName: undefined, scopes: undefined }, undefined)?.authorizationUrl, undefined, 'no code flow without an authorization URL; undefined is left out')
})

t.test('throws a TypeError naming the member that is wrong', async (t) => {
  const cases: Array<[unknown, unknown, string]> = [
    [null, POOL, 'openapi'],
    [['x'], POOL, 'openapi'],
    [{ tokenURL: 'https://t.example.com' }, POOL, 'openapi.tokenURL'],
    [{}, POOL, 'openapi.tokenUrl'],
    [{ tokenUrl: 'http://auth.example.com/token' }, POOL, 'openapi.tokenUrl'],
    [{ tokenUrl: 'https://user:pw@auth.example.com/token' }, POOL, 'openapi.tokenUrl'],
    [{ tokenUrl: 'https://auth.example.com/token#x' }, POOL, 'openapi.tokenUrl'],
    [{ tokenUrl: '/oauth2/token' }, POOL, 'openapi.tokenUrl'],
    [{ tokenUrl: 42 }, POOL, 'openapi.tokenUrl'],
    [{ tokenUrl: 'https://t.example.com', authorizationUrl: 'ftp://x' }, POOL, 'openapi.authorizationUrl'],
    [{ cognitoDomain: 'my-app' }, undefined, 'openapi.cognitoDomain'],
    [{ cognitoDomain: 'my-app' }, ['eu-west-1_a', 'us-east-1_b'], 'openapi.cognitoDomain'],
    [{ cognitoDomain: 'My_App' }, POOL, 'openapi.cognitoDomain'],
    [{ cognitoDomain: 'https://auth.example.com/oauth2' }, POOL, 'openapi.cognitoDomain'],
    [{ cognitoDomain: 'https://auth.example.com?x=1' }, POOL, 'openapi.cognitoDomain'],
    [{ cognitoDomain: 'http://auth.example.com' }, POOL, 'openapi.cognitoDomain'],
    [{ tokenUrl: 'https://t.example.com', schemeName: 'o auth' }, POOL, 'openapi.schemeName'],
    [{ tokenUrl: 'https://t.example.com', schemeName: '' }, POOL, 'openapi.schemeName'],
    [{ tokenUrl: 'https://t.example.com', scopes: { 'a b': 'x' } }, POOL, 'openapi.scopes'],
    [{ tokenUrl: 'https://t.example.com', scopes: { a: 1 } }, POOL, 'openapi.scopes'],
    [{ tokenUrl: 'https://t.example.com', scopes: ['a'] }, POOL, 'openapi.scopes']
  ]
  for (const [input, pools, option] of cases) {
    t.throws(() => resolveOpenApiOptions(input, pools), { name: 'TypeError', code: 'ERR_INVALID_OPTION', option }, `${JSON.stringify(input)}: names ${option}`)
  }
  t.throws(() => resolveOpenApiOptions({ tokenUrl: 'http://auth.example.com/token' }, POOL), { message: /\(got "http:\/\/auth\.example\.com\/token"\)/ }, 'and shows the value')
  t.throws(() => resolveOpenApiOptions('yes', POOL), { message: /\(got "yes"\)$/ }, 'the openapi option itself')
  t.throws(() => resolveOpenApiOptions({ tokenUrl: 'https://t.example.com', schemeName: 'o auth' }, POOL), { message: /\(got "o auth"\)$/ }, 'the scheme name')
  t.throws(() => resolveOpenApiOptions({ tokenUrl: 'https://t.example.com', scopes: ['a'] }, POOL), { message: /\(got an array\)$/ }, 'the scope descriptions')
})

t.test('is checked when the plugin is registered, beside a shared verifier too', async (t) => {
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  await t.rejects(async () => { await app.register(fastifyResourceServer, { userPoolId: POOL, clientId: null, openapi: { tokenUrl: 'nope' } }) }, { name: 'TypeError', option: 'openapi.tokenUrl' })
  const shared = Fastify()
  t.teardown(async () => { await shared.close() })
  const verifier = new TokenVerifier({ userPoolId: POOL, clientId: null })
  await shared.register(fastifyResourceServer, { verifier, openapi: { cognitoDomain: 'https://auth.example.com' } })
  t.equal(shared.openapiSecuritySchemes.oauth2?.flows.clientCredentials.tokenUrl, 'https://auth.example.com/oauth2/token')
})

t.test('takes an unknown member passed as undefined as left out', async (t) => {
  t.ok(resolveOpenApiOptions({ tokenUrl: 'https://t.example.com/token', typo: undefined } as never, undefined))
})
