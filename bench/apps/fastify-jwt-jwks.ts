/**
 * Row 6: fastify-jwt-jwks (NearForm's successor to fastify-auth0-verify) on the same JWKS: its
 * `authenticate` decorator as the onRequest hook, issuer pinned. It fetches with the global
 * fetch, so plain http on loopback needs no change. Its defaults are kept: no token cache, keys
 * cached per kid for a week.
 */
import fastifyJwtJwksModule from 'fastify-jwt-jwks'
import { ISSUER } from '../identity.js'
import { benchFastify, type AppBuilder } from './app.js'
import { isOurAccessToken } from './cognito-claims.js'

// From ESM the default import is the CommonJS module.exports: the fastify-plugin-wrapped plugin.
// (Its `.default` and named export are the unwrapped function, which would hide `authenticate`.)
const fastifyJwtJwks = fastifyJwtJwksModule as unknown as typeof fastifyJwtJwksModule.default

export const fastifyJwtJwksApp: AppBuilder = async ({ jwksUri }) => {
  const app = benchFastify()
  await app.register(fastifyJwtJwks, { jwksUrl: jwksUri, issuer: ISSUER })
  app.addHook('onRequest', async (request, reply) => {
    await app.authenticate(request)
    if (!isOurAccessToken(request.user)) return await reply.code(401).send({ message: 'not an access token for this client' })
  })
  return { app }
}
