/**
 * Fastify's `logger` option with the credential-redacting serializers and message hook merged in,
 * so the issuer and the gateway keep credentials out of their logs by default while a caller's
 * own logger settings (level, stream, transport, other serializers) still apply.
 */
import type { FastifyServerOptions } from 'fastify'
import { redactLogMessage, serializers } from './serializers.js'

type LoggerOption = FastifyServerOptions['logger']

/**
 * `logger` with {@link serializers} and {@link redactLogMessage} added. `undefined` and `false`
 * (no logging) come back unchanged; `true` becomes Fastify's default logger with redaction.
 * A serializer or `logMethod` hook the caller sets takes precedence over ours.
 *
 * @example
 * ```ts
 * const app = Fastify({ logger: redactingLogger({ level: 'warn' }) })
 * ```
 */
export function redactingLogger (logger: LoggerOption): LoggerOption {
  if (logger === undefined || logger === false) return logger
  const own = logger === true ? {} : logger
  return {
    ...own,
    serializers: { ...serializers, ...own.serializers },
    hooks: { logMethod: redactLogMessage, ...own.hooks }
  }
}
