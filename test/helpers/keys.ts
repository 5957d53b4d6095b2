// Keys and tokens for tests: jose generates the keys and signs; nothing here is hand-rolled crypto.
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'

export interface TestKey {
  readonly alg: string
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly jwk: JWK
}

let counter = 0

export async function makeKey (alg = 'RS256', kid = `test-key-${++counter}`, opts: { modulusLength?: number, jwkAlg?: string | null } = {}): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, modulusLength: opts.modulusLength })
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig' } as JWK
  if (opts.jwkAlg !== null) jwk.alg = opts.jwkAlg ?? alg
  return { alg, kid, privateKey, jwk }
}

export const NOW_S = 1_800_000_000

/** Cognito's machine-to-machine access token claims. */
export function accessClaims (issuer: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'client-abc',
    token_use: 'access',
    scope: 'transactions/get transactions/post',
    auth_time: NOW_S,
    iss: issuer,
    exp: NOW_S + 3600,
    iat: NOW_S,
    version: 2,
    jti: '864ec9c6-f3c9-4e3c-b9e1-dfe21e167e1e',
    client_id: 'client-abc',
    ...overrides
  }
}

export async function sign (key: TestKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const payload: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(claims)) if (v !== undefined) payload[k] = v
  return await new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header } as any).sign(key.privateKey)
}

/** One base64url segment of raw JSON text or bytes, for tokens that JSON.stringify cannot produce. */
export function segment (raw: string | Uint8Array): string {
  return base64url.encode(raw)
}

/** A token assembled by hand from raw parts, for malformed-input tests (no signing involved). */
export function rawToken (header: unknown, payload: unknown, signature = 'c2ln'): string {
  const enc = (v: unknown): string => typeof v === 'string' ? v : base64url.encode(JSON.stringify(v))
  return `${enc(header)}.${enc(payload)}.${signature}`
}
