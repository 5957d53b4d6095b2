// oidc-provider (a certified OpenID provider nobody here wrote) on 127.0.0.1, port 0: it mints real
// RFC 9068 access tokens (`typ: at+jwt`) and ID tokens for the tests of other issuers' tokens.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash, randomBytes } from 'node:crypto'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'

export type ProviderAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA'

export interface OidcProviderOptions {
  /** The signing algorithm of access and ID tokens. Default RS256. */
  alg?: ProviderAlg
  /** The `groups` (and any other) claims added to access tokens. Default `{ groups: ['admins'] }`. */
  extraClaims?: Record<string, unknown>
}

export interface OidcProviderServer {
  readonly issuer: string
  readonly jwksUri: string
  readonly clientId: string
  /** The RFC 8707 resource indicator, which becomes the access token's `aud`. */
  readonly resource: string
  /** An RFC 9068 access token from the client_credentials grant. */
  clientCredentialsToken: (scope?: string) => Promise<string>
  /** An access token and an ID token for user `sub`, from the authorization code flow. */
  userTokens: (sub?: string, nonce?: string) => Promise<{ accessToken: string, idToken: string }>
  close: () => Promise<void>
}

const CLIENT_SECRET = 'a-test-secret-of-some-length-000000000000'
const RESOURCE = 'https://api.example.test'
const REDIRECT_URI = 'http://127.0.0.1/cb'

async function signingKey (alg: ProviderAlg): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true })
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg.toLowerCase()}-key` }
}

/** Cookies the provider set, sent back as a browser would within this one flow. */
class CookieJar {
  readonly #cookies = new Map<string, string>()
  take (res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] as string
      const eq = pair.indexOf('=')
      this.#cookies.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
  }

  get header (): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/**
 * Starts oidc-provider on loopback with one confidential client that may use client_credentials,
 * authorization_code and refresh_token, and one resource server whose access tokens are JWTs.
 */
export async function startOidcProvider (options: OidcProviderOptions = {}): Promise<OidcProviderServer> {
  const alg = options.alg ?? 'RS256'
  const extraClaims = options.extraClaims ?? { groups: ['admins'] }
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientId = 'rp-client'
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      id_token_signed_response_alg: alg
    }],
    jwks: { keys: [await signingKey(alg)] },
    enabledJWA: { idTokenSigningAlgValues: [alg] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'read write', audience: RESOURCE, accessTokenFormat: 'jwt', jwt: { sign: { alg } } })
      }
    },
    extraTokenClaims: async () => extraClaims,
    pkce: { required: () => true }
  } as ConstructorParameters<typeof Provider>[1])
  server.on('request', provider.callback())

  const basic = `Basic ${Buffer.from(`${clientId}:${CLIENT_SECRET}`).toString('base64')}`
  async function token (body: Record<string, string>): Promise<Record<string, string>> {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body)
    })
    const json = await res.json() as Record<string, string>
    if (!res.ok) throw new Error(`oidc-provider token endpoint: ${res.status} ${JSON.stringify(json)}`)
    return json
  }

  async function userTokens (sub = 'user-1', nonce = randomBytes(8).toString('hex')): Promise<{ accessToken: string, idToken: string }> {
    const jar = new CookieJar()
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const step = async (url: string, form?: Record<string, string>): Promise<string> => {
      const res = await fetch(new URL(url, issuer), {
        method: form === undefined ? 'GET' : 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header, ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
        ...(form === undefined ? {} : { body: new URLSearchParams(form) })
      })
      jar.take(res)
      const location = res.headers.get('location')
      if (location === null) throw new Error(`oidc-provider: no redirect from ${url} (${res.status})`)
      return location
    }
    const authorize = `/auth?${new URLSearchParams({
      client_id: clientId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid read',
      resource: RESOURCE, nonce, code_challenge: challenge, code_challenge_method: 'S256'
    }).toString()}`
    let location = await step(authorize)
    location = await step(await step(location, { prompt: 'login', login: sub, password: 'any' }))
    location = await step(await step(location, { prompt: 'consent' }))
    const code = new URL(location, issuer).searchParams.get('code')
    if (code === null) throw new Error(`oidc-provider: no code in ${location}`)
    const tokens = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, resource: RESOURCE })
    return { accessToken: tokens.access_token as string, idToken: tokens.id_token as string }
  }

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    clientId,
    resource: RESOURCE,
    clientCredentialsToken: async (scope = 'read') => (await token({ grant_type: 'client_credentials', scope, resource: RESOURCE })).access_token as string,
    userTokens,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
