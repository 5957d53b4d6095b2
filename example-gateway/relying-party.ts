/**
 * The demo relying party: a small web app that signs its users in with the issuer's
 * authorization code flow (PKCE S256, state, nonce), exchanges the code on its callback page,
 * verifies the ID token, shows the decoded tokens, and calls the gateway with the access token.
 * It plays the part of the seed tutorial's client application; `npm start` serves it and prints
 * its address, so a person can click through the whole flow in a browser.
 *
 * The client is confidential (it keeps its secret on the server) and still uses PKCE, as
 * RFC 9700 §2.1.1 recommends. Every value shown is escaped with html-escaper; the pages carry no
 * script and may not be framed.
 */
import { createHash, randomBytes } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { escape } from 'html-escaper'
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose'
import { redactingLogger } from '../src/logging/logger-options.js'

/** What the relying party must know, read when a request arrives (the issuer starts after it). */
export interface RelyingPartySettings {
  readonly issuer: string
  readonly authorizationEndpoint: string
  readonly tokenEndpoint: string
  readonly jwksUri: string
  readonly logoutEndpoint: string
  readonly clientId: string
  readonly clientSecret: string
  readonly scope: string
  /** Its own callback URL, registered with the issuer. */
  readonly callbackUrl: string
  /** Where it sends the user after sign-out (registered as a logout URL). */
  readonly signedOutUrl: string
  /** The gateway's URL of the resource to call, e.g. `http://127.0.0.1:8080/transactions`. */
  readonly resourceUrl: string
}

/** One sign-in in progress, by state. */
interface Pending { readonly verifier: string, readonly nonce: string }

const random = (): string => randomBytes(32).toString('base64url')

function page (reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply.code(status)
    .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body>
<h1>${escape(title)}</h1>
${body}
</body>
</html>
`)
}

const pre = (value: unknown): string => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`

/**
 * Builds the relying party (not listening). `settings` is read on each request.
 *
 * @example
 * ```ts
 * const rp = buildRelyingParty(() => settings)
 * await rp.listen({ port: 9002, host: '127.0.0.1' })
 * ```
 */
export function buildRelyingParty (settings: () => RelyingPartySettings, fastify: { logger?: boolean, maxPendingSignIns?: number } = {}): FastifyInstance {
  // The callback URL carries the authorization code: redacted in the log.
  const app = Fastify({ logger: redactingLogger(fastify.logger) })
  // Sign-ins in progress are bounded: past the limit the oldest is forgotten (the user starts again).
  const maxPending = fastify.maxPendingSignIns ?? 1000
  const pending = new Map<string, Pending>()
  let jwks: { uri: string, get: JWTVerifyGetKey } | undefined

  app.get('/', async (_request, reply) => page(reply, 200, 'Demo relying party',
    '<p>This app signs you in with the local issuer (authorization code flow with PKCE), then calls the gateway with your access token.</p>\n' +
    '<p><a id="sign-in" href="/sign-in">Sign in</a></p>'))

  app.get('/sign-in', async (_request, reply) => {
    const s = settings()
    if (pending.size >= maxPending) pending.delete(pending.keys().next().value as string)
    const state = random()
    const entry: Pending = { verifier: random(), nonce: random() }
    pending.set(state, entry)
    const url = new URL(s.authorizationEndpoint)
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: s.clientId,
      redirect_uri: s.callbackUrl,
      scope: s.scope,
      state,
      nonce: entry.nonce,
      code_challenge: createHash('sha256').update(entry.verifier).digest('base64url'),
      code_challenge_method: 'S256'
    }).toString()
    return reply.header('cache-control', 'no-store').redirect(url.href, 302)
  })

  app.get('/callback', async (request, reply) => {
    const s = settings()
    const query = request.query as Record<string, string | undefined>
    if (query.error !== undefined) return page(reply, 400, 'Sign-in refused', `<p><code>${escape(query.error)}</code>: ${escape(query.error_description ?? '')}</p>`)
    const entry = query.state === undefined ? undefined : pending.get(query.state)
    if (entry === undefined || query.code === undefined) return page(reply, 400, 'Unknown sign-in', '<p>The state is unknown or expired. <a href="/sign-in">Sign in again</a>.</p>')
    pending.delete(query.state as string)

    const tokenResponse = await fetch(s.tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(s.clientId)}:${encodeURIComponent(s.clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded'
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: query.code, redirect_uri: s.callbackUrl, code_verifier: entry.verifier }).toString()
    })
    const tokens = await tokenResponse.json() as Record<string, string>
    if (tokenResponse.status !== 200) return page(reply, 502, 'Token request refused', pre({ status: tokenResponse.status, error: tokens.error, error_description: tokens.error_description }))

    if (jwks?.uri !== s.jwksUri) jwks = { uri: s.jwksUri, get: createRemoteJWKSet(new URL(s.jwksUri)) }
    const { payload: idClaims } = await jwtVerify(tokens.id_token as string, jwks.get, { issuer: s.issuer, audience: s.clientId })
    if (idClaims.nonce !== entry.nonce) return page(reply, 400, 'ID token refused', '<p>The nonce of the ID token is not the one this sign-in sent.</p>')

    const resource = await fetch(s.resourceUrl, { headers: { authorization: `Bearer ${tokens.access_token as string}` } })
    const resourceBody = await resource.text()
    const signOut = new URL(s.logoutEndpoint)
    signOut.search = new URLSearchParams({ client_id: s.clientId, logout_uri: s.signedOutUrl }).toString()
    return page(reply, 200, `Signed in as ${String(idClaims['cognito:username'])}`, [
      '<h2>ID token (verified: signature, issuer, audience, nonce)</h2>',
      pre(decodeProtectedHeader(tokens.id_token as string)),
      pre(idClaims),
      '<h2>Access token</h2>',
      pre(decodeProtectedHeader(tokens.access_token as string)),
      pre(decodeJwt(tokens.access_token as string)),
      `<h2>GET ${escape(s.resourceUrl)} through the gateway</h2>`,
      `<p id="gateway-status">${resource.status}</p>`,
      `<pre id="gateway-body">${escape(resourceBody)}</pre>`,
      '<p>A refresh token was issued too (not shown).</p>',
      `<p><a href="${escape(signOut.href)}">Sign out</a></p>`
    ].join('\n'))
  })

  app.get('/signed-out', async (_request, reply) => page(reply, 200, 'Signed out', '<p><a href="/sign-in">Sign in again</a></p>'))
  return app
}
