/**
 * Fastify's `logger` option with the credential-redacting serializers and message hook merged in,
 * so the issuer and the gateway keep credentials out of their logs by default while a caller's
 * own logger settings (level, stream, transport, other serializers) still apply.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
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

/**
 * A child of a caller's own logger instance (Fastify's `loggerInstance`) with {@link serializers}
 * set, so the request line and the upstream URL are redacted. A child cannot take a `logMethod`
 * hook: build the instance with `hooks: { logMethod: redactLogMessage }` to redact URLs inside
 * messages too. The package's serializers take precedence over the instance's own `req` and
 * `source`.
 *
 * @example
 * ```ts
 * const app = Fastify({ loggerInstance: redactingLoggerInstance(pino({ hooks: { logMethod: redactLogMessage } })) })
 * ```
 */
export function redactingLoggerInstance<L extends FastifyBaseLogger> (instance: L): L {
  return instance.child({}, { serializers: { ...serializers } }) as L
}
