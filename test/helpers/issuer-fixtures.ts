// Fixtures for the issuer tests: a config like the seed tutorial's, a real issuer on 127.0.0.1
// port 0 closed at teardown, and a small client for the token endpoint.
import type { Test } from 'tap'
import type { IssuerConfig } from '../../src/issuer/config/config.js'
import { hashSecret } from '../../src/issuer/clients/secrets.js'
import { createIssuer, type IssuerInstance } from '../../src/issuer/server.js'
import type { CreateIssuerOptions } from '../../src/issuer/options.js'

/** The cheapest scrypt cost the config accepts, so tests do not spend seconds hashing. */
export const FAST_SCRYPT = { logN: 10, r: 8, p: 1 }

export const POOL_ID = 'local-1_AbCdEf123'

export const CLIENTS = {
  poster: { clientId: 'poster0client0id0000000000', secret: 'poster-secret-0123456789abcdefghijklmnopqrstuvwxyz' },
  reader: { clientId: 'reader0client0id0000000000', secret: 'reader-secret-0123456789abcdefghijklmnopqrstuvwxyz' },
  coder: { clientId: 'coder00client0id0000000000', secret: 'coder0-secret-0123456789abcdefghijklmnopqrstuvwxyz' }
} as const

/** The seed's pool: resource server `transactions` (get, post) and three clients. */
export async function issuerConfig (overrides: Partial<IssuerConfig> = {}): Promise<IssuerConfig> {
  return {
    poolId: POOL_ID,
    resourceServers: [{
      identifier: 'transactions',
      name: 'transactions',
      scopes: [{ name: 'get', description: 'get_tx' }, { name: 'post', description: 'post_tx' }]
    }],
    clients: [
      { clientId: CLIENTS.poster.clientId, clientName: 'test', secretHash: await hashSecret(CLIENTS.poster.secret, FAST_SCRYPT), allowedOAuthFlows: ['client_credentials'], allowedOAuthScopes: ['transactions/post'] },
      { clientId: CLIENTS.reader.clientId, secretHash: await hashSecret(CLIENTS.reader.secret, FAST_SCRYPT), allowedOAuthFlows: ['client_credentials'], allowedOAuthScopes: ['transactions/get', 'transactions/post'], accessTokenValiditySeconds: 600 },
      { clientId: CLIENTS.coder.clientId, secretHash: await hashSecret(CLIENTS.coder.secret, FAST_SCRYPT), allowedOAuthFlows: ['code'], allowedOAuthScopes: ['transactions/get'], callbackURLs: ['https://app.example.com/callback'] }
    ],
    ...overrides
  }
}

/** A listening issuer on 127.0.0.1, port 0, closed when `t` ends. */
export async function startIssuer (t: Test, options: Partial<CreateIssuerOptions> = {}): Promise<IssuerInstance> {
  const app = await createIssuer(options.configFile === undefined ? { config: await issuerConfig(), ...options } : options as CreateIssuerOptions)
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  return app
}

/** `Basic base64(id:secret)`, each part form-urlencoded first (RFC 6749 §2.3.1). */
export function basic (clientId: string, secret: string): string {
  const form = (s: string): string => new URLSearchParams({ s }).toString().slice(2)
  return `Basic ${Buffer.from(`${form(clientId)}:${form(secret)}`).toString('base64')}`
}

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: any
}

/** POSTs a form (or raw body) to the token endpoint and returns the parsed answer. */
export async function postToken (url: string, init: { form?: Record<string, string>, body?: string, authorization?: string, headers?: Record<string, string>, method?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.authorization !== undefined) headers.authorization = init.authorization
  let body = init.body
  if (init.form !== undefined) {
    body = new URLSearchParams(init.form).toString()
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
  }
  const response = await fetch(url, { method: init.method ?? 'POST', headers, body })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) }
}

/** A client_credentials token for `client`, by Basic authentication. */
export async function getToken (app: IssuerInstance, client: { clientId: string, secret: string }, scope?: string): Promise<string> {
  const form: Record<string, string> = { grant_type: 'client_credentials' }
  if (scope !== undefined) form.scope = scope
  const answer = await postToken(app.issuer.urls.tokenEndpoint, { form, authorization: basic(client.clientId, client.secret) })
  if (answer.status !== 200) throw new Error(`token request failed: ${answer.status} ${JSON.stringify(answer.body)}`)
  return answer.body.access_token
}
