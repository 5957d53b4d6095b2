/**
 * The upstream microservice behind the gateway. It protects itself with the same plugin
 * (defence in depth: a request that bypasses the gateway still needs a token with the scope),
 * so it is also the example of a microservice protecting its own routes.
 */
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { fastifyResourceServer, redactingLogger, type ResourceServerOptions } from '../src/index.js'

/** A stored transaction. */
export interface Transaction {
  id: string
  amount: number
  currency: string
  description: string
  createdBy: string
  createdAt: string
}

const createSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['amount', 'currency'],
    properties: {
      amount: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000_000 },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      description: { type: 'string', maxLength: 200 }
    }
  }
} as const

/**
 * Builds the transactions service (not listening yet).
 *
 * @example
 * ```ts
 * const service = await buildTransactionsService({ auth: { issuer, clientId: null } })
 * await service.listen({ port: 9001, host: '127.0.0.1' })
 * ```
 */
export async function buildTransactionsService (options: { auth: ResourceServerOptions, fastify?: FastifyServerOptions }): Promise<FastifyInstance> {
  const app = Fastify({
    ...options.fastify,
    logger: redactingLogger(options.fastify?.logger),
    // Schema errors answer 400 with a message that names the field, never a stack.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } }
  })
  await app.register(fastifyResourceServer, options.auth)
  const store = new Map<string, Transaction>()

  app.get('/transactions', { config: { auth: { scopes: ['transactions/get'] } } }, async () => ({ transactions: [...store.values()] }))

  app.get<{ Params: { id: string } }>('/transactions/:id', { config: { auth: { scopes: ['transactions/get'] } } }, async (request, reply) => {
    const found = store.get(request.params.id)
    if (found === undefined) return await reply.code(404).send({ statusCode: 404, code: 'ERR_NOT_FOUND', error: 'Not Found', message: 'No transaction has that id.' })
    return found
  })

  app.post<{ Body: { amount: number, currency: string, description?: string } }>('/transactions', {
    config: { auth: { scopes: ['transactions/post'] } },
    schema: createSchema
  }, async (request, reply) => {
    const tx: Transaction = {
      id: randomUUID(),
      amount: request.body.amount,
      currency: request.body.currency,
      description: request.body.description ?? '',
      createdBy: (request.auth as NonNullable<typeof request.auth>).sub,
      createdAt: new Date().toISOString()
    }
    store.set(tx.id, tx)
    return await reply.code(201).header('location', `/transactions/${tx.id}`).send(tx)
  })
  return app
}
