/**
 * 405 Method Not Allowed with the `Allow` header (RFC 9110 §15.5.6) for every other method on
 * the issuer's paths. The reply goes out in `onRequest`, before any body is read.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Answers every method of `url` not in `allowed` with 405 and `Allow`. */
export function methodNotAllowed (app: FastifyInstance, url: string, allowed: readonly string[]): void {
  const allow = allowed.join(', ')
  const refuse = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    return await reply.code(405).header('allow', allow).header('cache-control', 'no-store')
      .send({ error: 'invalid_request', error_description: `The method is not allowed here; use ${allow}.` })
  }
  app.route({
    method: app.supportedMethods.filter((m) => !allowed.includes(m)),
    url,
    onRequest: refuse,
    handler: refuse
  })
}
