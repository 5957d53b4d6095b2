import t from 'tap'
import { ISSUER_DEFAULTS, parseIssuerUrl, resolveIssuerOptions, type CreateIssuerOptions } from '../../src/issuer/options.js'

const config = { poolId: 'local-1_X', resourceServers: [], clients: [] }

t.test('documents its defaults in one place', async (t) => {
  t.same(ISSUER_DEFAULTS, {
    algorithm: 'RS256',
    keyFileCheckIntervalMs: 10_000,
    publishLeadSeconds: 1200,
    retireMarginSeconds: 300,
    jwksMaxAgeSeconds: 300,
    bodyLimitBytes: 8192,
    loginAttemptsPerUsername: 5,
    loginAttemptsPerAddress: 20,
    loginWindowSeconds: 300
  })
  const resolved = resolveIssuerOptions({ config })
  const { loginAttemptsPerUsername, loginAttemptsPerAddress, loginWindowSeconds, ...rest } = ISSUER_DEFAULTS
  t.match(resolved, { ...rest, keyFile: undefined, configFile: undefined, issuerUrl: undefined, logger: false, clock: Date.now, users: undefined, refreshTokenFile: undefined })
  t.same(resolved.login, { attemptsPerUsername: 5, attemptsPerAddress: 20, windowSeconds: 300 })
})

t.test('throws a TypeError naming the wrong option', async (t) => {
  const cases: Array<[unknown, string]> = [
    [null, 'options'],
    [{ config, colour: 'blue' }, 'colour'],
    [{}, 'config'],
    [{ config, configFile: 'issuer.json' }, 'config'],
    [{ configFile: '' }, 'configFile'],
    [{ config, keyFile: 42 }, 'keyFile'],
    [{ config, algorithm: 'HS256' }, 'algorithm'],
    [{ config, clock: 5 }, 'clock'],
    [{ config, issuerUrl: 'not a url' }, 'issuerUrl'],
    [{ config, keyFileCheckIntervalMs: -1 }, 'keyFileCheckIntervalMs'],
    [{ config, publishLeadSeconds: 1.5 }, 'publishLeadSeconds'],
    [{ config, retireMarginSeconds: 86_401 }, 'retireMarginSeconds'],
    [{ config, jwksMaxAgeSeconds: '300' }, 'jwksMaxAgeSeconds'],
    [{ config, bodyLimitBytes: 100 }, 'bodyLimitBytes'],
    [{ config, users: null }, 'users'],
    [{ config, users: 'ldap' }, 'users'],
    [{ config, users: { authenticate: () => undefined } }, 'users'],
    [{ config, users: { findBySub: () => undefined } }, 'users'],
    [{ config, refreshTokenFile: '' }, 'refreshTokenFile'],
    [{ config, loginAttemptsPerUsername: 0 }, 'loginAttemptsPerUsername'],
    [{ config, loginAttemptsPerAddress: 0 }, 'loginAttemptsPerAddress'],
    [{ config, loginWindowSeconds: 0 }, 'loginWindowSeconds']
  ]
  for (const [options, option] of cases) {
    t.throws(() => resolveIssuerOptions(options as CreateIssuerOptions), { name: 'TypeError', code: 'ERR_INVALID_OPTION', option }, option)
  }
})

t.test('accepts an issuer URL without credentials, query, fragment or trailing slash', async (t) => {
  t.equal(parseIssuerUrl('issuerUrl', 'https://auth.example.com/local-1_X').href, 'https://auth.example.com/local-1_X')
  t.equal(parseIssuerUrl('issuerUrl', 'http://127.0.0.1:8790/local-1_X').port, '8790')
  for (const bad of ['ftp://x/local-1_X', 'https://u:p@x/local-1_X', 'https://x/local-1_X?a=1', 'https://x/local-1_X#f', 'https://x/local-1_X/', 'https://x', 42]) {
    t.throws(() => parseIssuerUrl('issuerUrl', bad), { code: 'ERR_INVALID_OPTION', option: 'issuerUrl' }, String(bad))
  }
})
