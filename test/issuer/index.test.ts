import t from 'tap'
import * as issuer from '../../src/issuer/index.js'

t.test('exports the public API and nothing internal', async (t) => {
  t.same(Object.keys(issuer).sort(), [
    'CLIENT_SIGNING_ALGORITHMS', 'CLI_DEFAULTS', 'CONFIG_LIMITS', 'DEFAULT_SCRYPT_PARAMS', 'ISSUER_DEFAULTS', 'ISSUER_ERROR_CODES', 'IssuerConfigError',
    'IssuerFileError', 'IssuerNotListeningError', 'IssuerUsageError', 'KEY_ALGORITHMS', 'OAUTH_ERROR_CODES', 'PASSWORD_LIMITS', 'ROTATION_DEFAULTS',
    'USAGE', 'addClient', 'addClientToFile', 'addResourceServer', 'addResourceServerToFile', 'addUser', 'addUserToFile', 'configUserStore',
    'createConfig', 'createIssuer', 'generateClientId', 'generateClientSecret', 'generatePoolId', 'hashSecret', 'initConfigFile', 'loadConfigFile',
    'parseSecretHash', 'removeUser', 'removeUserFromFile', 'rotateKeyFile', 'runCli', 'saveConfigFile', 'setUserPassword', 'setUserPasswordInFile',
    'validateConfig', 'verifySecret'
  ])
})

t.test('the index example runs: a pool, a client, an issuer', async (t) => {
  const pool = issuer.addResourceServer(issuer.createConfig(), { identifier: 'transactions', scopes: [{ name: 'get' }, { name: 'post' }] })
  const { document, clientId, clientSecret } = await issuer.addClient(pool, { scopes: ['transactions/post'] })
  const app = await issuer.createIssuer({ config: document })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const response = await fetch(app.issuer.urls.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials'
  })
  t.equal(response.status, 200)
})
