// One trusted issuer for TokenVerifier tests: a real JWKS server on loopback, a signing key, a manual
// clock and a TokenVerifier wired to all three. Everything is closed when the test ends.
import { TokenVerifier } from '../../src/verifier/verifier.js'
import type { VerifierOptions } from '../../src/verifier/options.js'
import { manualClock, startJwksServer, type JwksServer, type ManualClock } from './jwks-server.js'
import { accessClaims, makeKey, sign, type TestKey } from './keys.js'

export interface IssuerFixture {
  readonly server: JwksServer
  readonly key: TestKey
  readonly clock: ManualClock
  readonly verifier: TokenVerifier
  /** Builds another verifier for the same server and clock, with different options. */
  makeVerifier: (options?: Partial<VerifierOptions>) => TokenVerifier
  /** Signs Cognito access-token claims (with `overrides`) with `key`, or the fixture's key. */
  token: (overrides?: Record<string, unknown>, header?: Record<string, unknown>, key?: TestKey) => Promise<string>
}

/** Anything with tap's `teardown`. */
export interface Teardown { teardown: (fn: () => unknown) => void }

export async function issuerFixture (
  t: Teardown,
  opts: { key?: TestKey, alg?: string, keys?: unknown[], options?: Partial<VerifierOptions> } = {}
): Promise<IssuerFixture> {
  const key = opts.key ?? await makeKey(opts.alg ?? 'RS256')
  const server = await startJwksServer(opts.keys ?? [key.jwk])
  t.teardown(server.close)
  const clock = manualClock()
  const makeVerifier = (options: Partial<VerifierOptions> = {}): TokenVerifier => new TokenVerifier({
    issuer: options.issuers === undefined ? server.issuer : undefined,
    clientId: 'client-abc',
    algorithms: [key.alg as never],
    clock: clock.now,
    ...options
  })
  return {
    server,
    key,
    clock,
    verifier: makeVerifier(opts.options),
    makeVerifier,
    token: async (overrides = {}, header = {}, k = key) => await sign(k, accessClaims(server.issuer, overrides), header)
  }
}
