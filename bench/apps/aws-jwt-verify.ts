/**
 * Row 5: aws-jwt-verify's CognitoJwtVerifier (tokenUse and clientId checked) in an onRequest hook.
 *
 * Its default fetcher speaks https only (node:https) and derives the JWKS URI from the user pool.
 * Rather than weaken anything globally, the verifier gets a SimpleJwksCache with a custom Fetcher,
 * the extension point its README documents ("Using a different Fetcher with SimpleJwksCache"):
 * the fetcher answers for that one Cognito JWKS URI only, from the loopback JWKS, and refuses any
 * other URI. The penalty box and the rest of the cache are aws-jwt-verify's own.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify'
import { NonRetryableFetchError } from 'aws-jwt-verify/error'
import type { Fetcher } from 'aws-jwt-verify/https'
import { SimpleJwksCache } from 'aws-jwt-verify/jwk'
import { CLIENT_ID, COGNITO_JWKS_URI, POOL_ID } from '../identity.js'
import { benchFastify, type AppBuilder } from './app.js'

class LoopbackFetcher implements Fetcher {
  constructor (private readonly cognitoUri: string, private readonly loopbackUri: string) {}

  async fetch (uri: string): Promise<ArrayBuffer> {
    if (uri !== this.cognitoUri) throw new NonRetryableFetchError(uri, 'the bench serves only the bench pool JWKS')
    const res = await fetch(this.loopbackUri, { redirect: 'error', signal: AbortSignal.timeout(3000) })
    if (!res.ok) throw new NonRetryableFetchError(uri, `status ${res.status}`)
    return await res.arrayBuffer()
  }
}

export const awsJwtVerify: AppBuilder = async ({ jwksUri }) => {
  const app = benchFastify()
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT_ID },
    { jwksCache: new SimpleJwksCache({ fetcher: new LoopbackFetcher(COGNITO_JWKS_URI, jwksUri) }) }
  )
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization
    if (header === undefined || !/^bearer /i.test(header)) return await reply.code(401).send({ message: 'missing bearer token' })
    try {
      await verifier.verify(header.slice(7))
    } catch {
      return await reply.code(401).send({ message: 'invalid token' })
    }
  })
  return { app }
}
