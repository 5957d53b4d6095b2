/**
 * `node --expose-gc dist/bench/cache-bytes.js`: what one verified token really costs the heap,
 * next to what the token cache's size estimate (`entryBytes`) charges for it. The estimate's two
 * constants in src/verifier/token-cache.ts come from this script; rerun it when the cached entry
 * changes shape.
 *
 * For each token size it verifies a few thousand distinct Cognito-shaped tokens with the cache
 * unbounded, and divides the growth of V8's used heap (after full GCs) by the tokens cached. The
 * tokens wait outside the heap (as Buffers) and each is verified as a fresh string, so the string
 * the cache keeps is counted, as it is in a server, where it comes from the request.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { entryBytes } from '../src/verifier/token-cache.js'
import { TokenVerifier } from '../src/verifier/verifier.js'
import { CLIENT_ID, ISSUER, SCOPE } from './identity.js'
import { startJwksServer } from './jwks.js'

const TOKENS = 4000
// Extra claim characters: a bare Cognito access token, one with groups, one with many.
const PADDING = [0, 400, 1600, 4000]

function collect (): number {
  const gc = globalThis.gc
  if (gc === undefined) throw new Error('run with node --expose-gc')
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

async function main (): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA')
  const jwks = await startJwksServer([{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'EdDSA' }])
  try {
    const iat = Math.floor(Date.now() / 1000)
    console.log('| token chars | heap bytes per cached token | estimate | estimate ÷ heap |')
    console.log('|---:|---:|---:|---:|')
    for (const pad of PADDING) {
      // EdDSA tokens padded to RS256 length and beyond: the cost follows length, not algorithm.
      const signature = 'x'.repeat(256)
      const tokens: Buffer[] = []
      for (let i = 0; i < TOKENS; i++) {
        const claims = { sub: CLIENT_ID, token_use: 'access', scope: SCOPE, auth_time: iat, iss: ISSUER, exp: iat + 3600, iat, version: 2, jti: `jti-${pad}-${i}`, client_id: CLIENT_ID, pad: signature + 'p'.repeat(pad) }
        tokens.push(Buffer.from(await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'k', typ: 'JWT' }).sign(privateKey), 'latin1'))
      }
      const verifier = new TokenVerifier({ issuer: { issuer: ISSUER, jwksUri: jwks.jwksUri }, clientId: CLIENT_ID, algorithms: ['EdDSA'], tokenCacheMaxEntries: 10 * TOKENS, tokenCacheMaxBytes: 2 ** 32, tokenCacheAdmission: 'first-use' })
      await verifier.verify((tokens[0] as Buffer).toString('latin1'))
      const before = collect()
      for (const token of tokens.slice(1)) await verifier.verify(token.toString('latin1'))
      const perToken = (collect() - before) / (verifier.cachedTokenCount - 1)
      const sample = (tokens[1] as Buffer).toString('latin1')
      console.log(`| ${sample.length} | ${perToken.toFixed(0)} | ${entryBytes(sample)} | ${(entryBytes(sample) / perToken).toFixed(2)} |`)
    }
  } finally {
    await jwks.close()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
