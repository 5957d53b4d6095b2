/**
 * Logging without credentials: the redacting serializers, the message hook, and Fastify's
 * `logger` option with both merged in.
 *
 * @example
 * ```ts
 * import { redactingLogger } from 'fastify-resource-server/logging'
 * const app = Fastify({ logger: redactingLogger(true) })
 * ```
 */
export { redactUrl, redactLogMessage, serializers, CREDENTIAL_PARAMETERS, REDACTED, type LoggableRequest, type LoggedRequest } from './serializers.js'
export { redactingLogger, redactingLoggerInstance } from './logger-options.js'
