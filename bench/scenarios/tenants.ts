/**
 * Many tenants: 1,000 Cognito-style pools trusted at run time (`trustIssuer`), one token each on
 * a cold verifier, then steady traffic across all of them. In-process, EdDSA tokens (minted in
 * seconds), token cache off so every request checks a signature. The baseline, measured in the
 * same run, is a verifier given the same 1,000 issuers up front (`issuers`); a third verifier
 * with `issuerCacheMaxEntries` below the pool count shows the LRU's bound.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { TokenVerifier } from '../../src/verifier/verifier.js'
import type { VerifierOptions } from '../../src/verifier/options.js'
import type { RunContext } from './context.js'

export interface TenantsRow {
  readonly label: string
  /** Wall time to verify the first token of every pool, cold (one JWKS fetch each). */
  readonly coldMs: number
  readonly coldFetches: number
  /** Steady traffic: verifications per second, and fetches it caused. */
  readonly steadyPerSecond: number
  readonly steadyFetches: number
  /** Key sets held for issuers trusted at run time: what issuerCacheMaxEntries bounds. */
  readonly trustedIssuers: number
}

export interface TenantsResult {
  readonly pools: number
  readonly steadyRequests: number
  readonly rows: TenantsRow[]
  /** Steady verifications per second, dynamic trust over configured issuers. */
  readonly steadyRatio: number
}

async function jwksServer (jwk: Record<string, unknown>): Promise<{ origin: string, fetches: () => number, close: () => Promise<void> }> {
  const body = JSON.stringify({ keys: [jwk] })
  let fetches = 0
  // Every pool publishes the same key at <origin>/<pool>/.well-known/jwks.json.
  const server = createServer((req, res) => {
    fetches++
    res.writeHead(req.url?.endsWith('/.well-known/jwks.json') === true ? 200 : 404, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fetches: () => fetches,
    close: async () => { server.closeAllConnections(); await new Promise<void>((resolve) => server.close(() => resolve())) }
  }
}

export async function tenants (ctx: RunContext): Promise<TenantsResult> {
  const pools = 1000
  const steadyRequests = ctx.config.quick ? 5000 : 20_000
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  const jwk = { ...(await exportJWK(publicKey)), kid: 'tenant-key', alg: 'EdDSA', use: 'sig' }
  const server = await jwksServer(jwk)
  try {
    const issuers = Array.from({ length: pools }, (_, i) => `${server.origin}/eu-west-1_Pool${i}`)
    const now = Math.floor(Date.now() / 1000)
    const tokens = await Promise.all(issuers.map(async (iss) => await new SignJWT({ sub: 'c', client_id: 'c', token_use: 'access', scope: 'a/b' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'tenant-key' }).setIssuer(iss).setIssuedAt(now).setExpirationTime(now + 3600).sign(privateKey)))
    const allowed = new Set(issuers)
    const common: VerifierOptions = { clientId: 'c', algorithms: ['EdDSA'], tokenCacheMaxEntries: 0 }
    const variants: Array<[string, VerifierOptions]> = [
      ['configured: issuers (baseline)', { ...common, issuers }],
      ['trustIssuer, LRU 1000 (default)', { ...common, trustIssuer: (iss) => allowed.has(iss) ? iss : undefined }],
      ['trustIssuer, LRU 100', { ...common, trustIssuer: (iss) => allowed.has(iss) ? iss : undefined, issuerCacheMaxEntries: 100 }]
    ]
    const rows: TenantsRow[] = []
    for (const [label, options] of variants) {
      const verifier = new TokenVerifier(options)
      let fetches = server.fetches()
      const coldStart = performance.now()
      for (const token of tokens) await verifier.verify(token)
      const coldMs = performance.now() - coldStart
      const coldFetches = server.fetches() - fetches
      fetches = server.fetches()
      const steadyStart = performance.now()
      for (let i = 0; i < steadyRequests; i++) await verifier.verify(tokens[i % pools] as string)
      const steadyS = (performance.now() - steadyStart) / 1000
      rows.push({
        label,
        coldMs,
        coldFetches,
        steadyPerSecond: steadyRequests / steadyS,
        steadyFetches: server.fetches() - fetches,
        trustedIssuers: verifier.trustedIssuerCount
      })
      ctx.log(`tenants ${label}: cold ${coldMs.toFixed(0)} ms / ${coldFetches} fetches, steady ${(steadyRequests / steadyS).toFixed(0)}/s / ${server.fetches() - fetches} fetches, ${verifier.trustedIssuerCount} trusted at run time`)
    }
    const [configured, dynamic] = rows as [TenantsRow, TenantsRow]
    return { pools, steadyRequests, rows, steadyRatio: dynamic.steadyPerSecond / configured.steadyPerSecond }
  } finally {
    await server.close()
  }
}
