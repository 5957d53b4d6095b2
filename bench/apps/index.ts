/**
 * The servers under test, by name. A scenario names one of these (scenarios/registry.ts); the
 * child process (server.ts) builds it.
 */
import type { AppBuilder } from './app.js'
import { awsJwtVerify } from './aws-jwt-verify.js'
import { bareProxy } from './bare-proxy.js'
import { baseline } from './baseline.js'
import { fastifyJwtGetJwks } from './fastify-jwt.js'
import { fastifyJwtJwksApp } from './fastify-jwt-jwks.js'
import { gateway } from './gateway.js'
import { resourceServer } from './resource-server.js'
import { signatureOnly } from './signature-only.js'

export const APPS = {
  baseline,
  'resource-server': resourceServer,
  'fastify-jwt': fastifyJwtGetJwks,
  'aws-jwt-verify': awsJwtVerify,
  'fastify-jwt-jwks': fastifyJwtJwksApp,
  'bare-proxy': bareProxy,
  gateway,
  'signature-only': signatureOnly
} satisfies Record<string, AppBuilder>

export type AppName = keyof typeof APPS
