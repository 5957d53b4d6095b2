// Fixtures for the user flow: a pool with users and code clients, and a small browser-less
// driver for authorize → login → code, so tests can reach any step and break it.
import { createHash, randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { ClientConfig, IssuerConfig } from '../../src/issuer/config/config.js'
import { hashSecret } from '../../src/issuer/clients/secrets.js'
import type { IssuerInstance } from '../../src/issuer/server.js'
import type { CreateIssuerOptions } from '../../src/issuer/options.js'
import { FAST_SCRYPT, issuerConfig, startIssuer } from './issuer-fixtures.js'

export const CALLBACK = 'http://127.0.0.1:1/callback'

export const USERS = {
  jane: { username: 'jane', password: 'correct horse battery staple', sub: '5f1c1e5a-0d0e-4c1f-9a43-0b8f6b2f2a11', email: 'jane@example.com', groups: ['admins', 'readers'] },
  bob: { username: 'bob', password: 'bob-password-1234', sub: '6a2d2f6b-1e1f-4d20-8b54-1c907c303b22', email: undefined, groups: [] as string[] }
} as const

export const CODE_CLIENTS = {
  /** A confidential web app with a secret. */
  web: { clientId: 'web0client0id0000000000000', secret: 'web-secret-0123456789abcdefghijklmnopqrstuvwxyz0123' },
  /** A public single-page app: no secret, PKCE required. */
  spa: { clientId: 'spa0client0id0000000000000', secret: undefined }
} as const

/** The seed pool plus users and two code clients (web: confidential, spa: public). */
export async function userPoolConfig (overrides: { web?: Partial<ClientConfig>, spa?: Partial<ClientConfig> } = {}): Promise<IssuerConfig> {
  const base = await issuerConfig()
  return {
    ...base,
    clients: [
      ...base.clients,
      {
        clientId: CODE_CLIENTS.web.clientId,
        clientName: 'Web App',
        secretHash: await hashSecret(CODE_CLIENTS.web.secret, FAST_SCRYPT),
        allowedOAuthFlows: ['code'],
        allowedOAuthScopes: ['openid', 'email', 'profile', 'transactions/get'],
        callbackURLs: [CALLBACK],
        logoutURLs: ['http://127.0.0.1:1/signed-out'],
        ...overrides.web
      },
      {
        clientId: CODE_CLIENTS.spa.clientId,
        clientName: 'spa',
        allowedOAuthFlows: ['code'],
        allowedOAuthScopes: ['openid', 'transactions/get'],
        callbackURLs: [CALLBACK],
        ...overrides.spa
      }
    ],
    users: [
      { username: USERS.jane.username, sub: USERS.jane.sub, passwordHash: await hashSecret(USERS.jane.password, FAST_SCRYPT), attributes: { email: USERS.jane.email, email_verified: true, name: 'Jane Doe' }, groups: [...USERS.jane.groups] },
      { username: USERS.bob.username, sub: USERS.bob.sub, passwordHash: await hashSecret(USERS.bob.password, FAST_SCRYPT) }
    ]
  }
}

/** A listening issuer with the user pool. */
export async function startUserIssuer (t: Test, options: Partial<CreateIssuerOptions> & { clients?: Parameters<typeof userPoolConfig>[0] } = {}): Promise<IssuerInstance> {
  const { clients, ...rest } = options
  return await startIssuer(t, { config: await userPoolConfig(clients), ...rest })
}

/** A PKCE pair. */
export function pkce (): { verifier: string, challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** GET without following redirects. */
export async function get (url: string, headers: Record<string, string> = {}): Promise<Response> {
  return await fetch(url, { redirect: 'manual', headers })
}

/** The authorize URL for `params` (strings; undefined ones left out). */
export function authorizeUrl (app: IssuerInstance, params: Record<string, string | undefined>): string {
  const url = new URL(app.issuer.urls.authorizationEndpoint)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v)
  return url.href
}

/**
 * The login page reached from an authorize URL: its form fields, CSRF cookie, and where the form
 * posts (its action resolved against the page's URL, as a browser does).
 */
export interface LoginForm { readonly page: string, readonly csrf: string, readonly request: string, readonly cookie: string, readonly loginUrl: string, readonly action: string }

export async function openLogin (authorize: string): Promise<LoginForm> {
  const first = await get(authorize)
  if (first.status !== 302) throw new Error(`authorize answered ${first.status}: ${await first.text()}`)
  const loginUrl = first.headers.get('location') as string
  const page = await get(loginUrl)
  const html = await page.text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1] as string
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] as string
  const action = new URL(/<form method="post" action="([^"]*)"/.exec(html)?.[1] as string, loginUrl).href
  return { page: html, csrf, request, cookie, loginUrl, action }
}

/** Posts the login form; returns the raw answer (302 to the callback on success). */
export async function submitLogin (form: LoginForm, fields: { username: string, password: string, csrf?: string, request?: string, cookie?: string }): Promise<Response> {
  return await fetch(form.action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: fields.cookie ?? form.cookie },
    body: new URLSearchParams({ _csrf: fields.csrf ?? form.csrf, request: fields.request ?? form.request, username: fields.username, password: fields.password }).toString()
  })
}

/** authorize → login → the code and state from the callback URL. */
export async function logIn (app: IssuerInstance, params: Record<string, string | undefined>, user: { username: string, password: string } = USERS.jane): Promise<{ code: string, state: string | null, location: URL }> {
  const form = await openLogin(authorizeUrl(app, { response_type: 'code', redirect_uri: CALLBACK, ...params }))
  const answer = await submitLogin(form, user)
  if (answer.status !== 302) throw new Error(`login answered ${answer.status}`)
  const location = new URL(answer.headers.get('location') as string)
  return { code: location.searchParams.get('code') as string, state: location.searchParams.get('state'), location }
}
