/** Upstream failures as the gateway answers them: 504 for a timeout, 502 for anything else, never a stack. */
import type { FastifyReply } from 'fastify'

/** Sends the 502 or 504 for a failed upstream call. */
export function sendUpstreamError (reply: FastifyReply, error: { statusCode?: number }): void {
  const timeout = error.statusCode === 504
  const statusCode = timeout ? 504 : 502
  reply.code(statusCode).header('cache-control', 'no-store').send({
    statusCode,
    code: timeout ? 'ERR_UPSTREAM_TIMEOUT' : 'ERR_UPSTREAM_UNAVAILABLE',
    error: timeout ? 'Gateway Timeout' : 'Bad Gateway',
    message: timeout ? 'The upstream service did not answer in time.' : 'The upstream service could not be reached.'
  })
}
