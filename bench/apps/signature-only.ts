/**
 * Row 8, the one-core floor: the least work a server can do per unique token, on one core. The keys are
 * fetched and imported once at start; each request's token is split at its last dot and its
 * signature checked with synchronous `crypto.verify` on the event loop, and nothing else: no
 * header or claims, no cache, no expiry. It is no verifier anyone should deploy; it is the floor
 * of every verifier's work (the HTTP request plus one RSA check), measured end to end, where the
 * modelled ceiling adds the two costs as each runs alone.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto'
import { benchFastify, type AppBuilder } from './app.js'

export const signatureOnly: AppBuilder = async ({ jwksUri }) => {
  const res = await fetch(jwksUri)
  const { keys } = await res.json() as { keys: Array<JsonWebKey & { kid: string, alg?: string }> }
  const rsa = keys.find((k) => k.kty === 'RSA')
  if (rsa === undefined) throw new TypeError('the bench JWKS has no RSA key')
  const key: KeyObject = createPublicKey({ key: rsa, format: 'jwk' })
  const app = benchFastify()
  app.addHook('onRequest', (request, reply, done) => {
    const token = request.headers.authorization?.slice(7) ?? ''
    const dot = token.lastIndexOf('.')
    const ok = dot > 0 && verify('sha256', Buffer.from(token.slice(0, dot), 'latin1'), key, Buffer.from(token.slice(dot + 1), 'base64url'))
    if (ok) return done()
    void reply.code(401).send({ message: 'invalid token' })
  })
  return { app }
}
