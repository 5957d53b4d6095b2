import t from 'tap'
import * as api from '../../src/index.js'
import * as logging from '../../src/logging/index.js'
import { redactingLogger } from '../../src/logging/logger-options.js'
import { redactLogMessage, serializers } from '../../src/logging/serializers.js'

t.test('leaves no logger as it is', async (t) => {
  t.equal(redactingLogger(undefined), undefined)
  t.equal(redactingLogger(false), false)
})

t.test('turns true into the default logger with redaction', async (t) => {
  t.same(redactingLogger(true), { serializers, hooks: { logMethod: redactLogMessage } })
})

t.test("keeps the caller's settings, and lets the caller's own serializers and hooks win", async (t) => {
  const err = (e: any): any => e
  const logMethod = function (this: unknown, args: unknown[], method: (...a: unknown[]) => void): void { method.apply(this, args) }
  const merged = redactingLogger({ level: 'warn', serializers: { err }, hooks: { logMethod } }) as Record<string, any>
  t.equal(merged.level, 'warn')
  t.equal(merged.serializers.req, serializers.req, 'our request serializer')
  t.equal(merged.serializers.source, serializers.source)
  t.equal(merged.serializers.err, err, 'theirs beside it')
  t.equal(merged.hooks.logMethod, logMethod, 'their hook wins')
  t.equal((redactingLogger({ serializers: { req: err } }) as Record<string, any>).serializers.req, err, 'their req serializer wins')
})

t.test('is exported from the package and from fastify-resource-server/logging', async (t) => {
  t.equal(api.redactingLogger, redactingLogger)
  t.equal(logging.redactingLogger, redactingLogger)
  t.equal(logging.serializers, serializers)
})
