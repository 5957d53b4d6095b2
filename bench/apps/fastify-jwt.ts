/**
 * Row 4: @fastify/jwt with get-jwks, as get-jwks's README wires them (the secret callback looks
 * the key up by kid), with the issuer pinned and fast-jwt's verified-token cache switched by
 * `options.cache`. With the cache on it holds 10,000 tokens, the size our plugin defaults to.
 */
import fastifyJwt from '@fastify/jwt'
import buildGetJwks from 'get-jwks'
import { ISSUER } from '../identity.js'
import { benchFastify, type AppBuilder } from './app.js'
import { isOurAccessToken } from './cognito-claims.js'

export const fastifyJwtGetJwks: AppBuilder = async ({ jwksBase, options }) => {
  const app = benchFastify()
  const getJwks = buildGetJwks({ issuersWhitelist: [jwksBase] })
  await app.register(fastifyJwt, {
    decode: { complete: true },
    // get-jwks's README passes the token's iss as the domain; our keys live on loopback instead.
    secret: async (_request: unknown, token: unknown) => {
      const { header } = token as { header: { kid: string, alg: string } }
      return await getJwks.getPublicKey({ domain: jwksBase, kid: header.kid, alg: header.alg })
    },
    verify: { allowedIss: ISSUER, algorithms: ['RS256'], cache: options.cache === true ? 10_000 : false }
  })
  app.addHook('onRequest', async (request, reply) => {
    const payload = await request.jwtVerify()
    if (!isOurAccessToken(payload)) return await reply.code(401).send({ message: 'not an access token for this client' })
  })
  return { app }
}
