/**
 * Keys and tokens for the bench, made with jose (no hand-rolled crypto). Minting an RSA-2048
 * token costs about 0.6 ms, so keys and pools are kept in bench/.cache/ (git-ignored) and reused,
 * and grown when a run needs more, while the tokens have hours left to live.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { base64url, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose'
import { CLIENT_ID, ISSUER, SCOPE } from './identity.js'

export interface TokenMaterial {
  /** The public keys, as the JWKS server publishes them. */
  readonly jwks: JWK[]
  /** One RS256 token, sent on every request of the repeated-token scenarios. */
  readonly repeat: string
  /** Distinct RS256 tokens, cycled in order. */
  readonly unique: readonly string[]
  /** Distinct EdDSA tokens for the memory scenario (padded to the length of the RS256 tokens). */
  readonly memory: readonly string[]
}

interface CacheFile {
  readonly version: number
  /** Issue time of every token, seconds since the epoch; they expire LIFETIME_S later. */
  readonly iat: number
  readonly privateJwks: { readonly rsa: JWK, readonly ed: JWK }
  readonly jwks: JWK[]
  readonly repeat: string
  readonly unique: string[]
  readonly memory: string[]
}

const CACHE_VERSION = 2
const CACHE_FILE = new URL('../../bench/.cache/tokens.json', import.meta.url)
// Cognito caps access tokens at 24 h, and so does our maxTokenLifetimeSeconds default.
const LIFETIME_S = 86_400 - 60
const MIN_LEFT_S = 2 * 3600
const BATCH = 500
const RSA_KID = 'bench-rs256'
const ED_KID = 'bench-ed25519'

function claims (jti: string, iat: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  // Cognito's client-credentials access token.
  return { sub: CLIENT_ID, token_use: 'access', scope: SCOPE, auth_time: iat, iss: ISSUER, exp: iat + LIFETIME_S, iat, version: 2, jti, client_id: CLIENT_ID, ...extra }
}

async function mint (alg: string, kid: string, key: CryptoKey, iat: number, prefix: string, from: number, to: number, extra?: Record<string, unknown>): Promise<string[]> {
  const out: string[] = []
  for (let start = from; start < to; start += BATCH) {
    const batch: Array<Promise<string>> = []
    for (let i = start; i < Math.min(to, start + BATCH); i++) {
      batch.push(new SignJWT(claims(`${prefix}-${i}-${iat}`, iat, extra)).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key))
    }
    out.push(...await Promise.all(batch))
  }
  return out
}

async function readCache (): Promise<CacheFile | undefined> {
  try {
    const cached = JSON.parse(await readFile(CACHE_FILE, 'utf8')) as CacheFile
    if (cached.version !== CACHE_VERSION || cached.iat + LIFETIME_S - Date.now() / 1000 < MIN_LEFT_S) return undefined
    return cached
  } catch {
    return undefined
  }
}

async function freshCache (): Promise<CacheFile> {
  const iat = Math.floor(Date.now() / 1000) - 5
  const rsa = await generateKeyPair('RS256', { extractable: true })
  const ed = await generateKeyPair('EdDSA', { extractable: true })
  const publicJwk = async (key: CryptoKey, kid: string, alg: string): Promise<JWK> => ({ ...(await exportJWK(key)), kid, alg, use: 'sig' })
  const [repeat] = await mint('RS256', RSA_KID, rsa.privateKey, iat, 'repeat', 0, 1) as [string]
  return {
    version: CACHE_VERSION,
    iat,
    privateJwks: { rsa: await exportJWK(rsa.privateKey), ed: await exportJWK(ed.privateKey) },
    jwks: [await publicJwk(rsa.publicKey, RSA_KID, 'RS256'), await publicJwk(ed.publicKey, ED_KID, 'EdDSA')],
    repeat,
    unique: [],
    memory: []
  }
}

/** The keys and token pools, read from the cache and minted where it falls short. */
export async function tokenMaterial (uniqueCount: number, memoryCount: number, log: (msg: string) => void): Promise<TokenMaterial> {
  const started = performance.now()
  const cache = await readCache() ?? await freshCache()
  const uniqueHave = cache.unique.length
  const memoryHave = cache.memory.length
  if (uniqueHave < uniqueCount) {
    const key = await importJWK(cache.privateJwks.rsa, 'RS256') as CryptoKey
    cache.unique.push(...await mint('RS256', RSA_KID, key, cache.iat, 'u', uniqueHave, uniqueCount))
  }
  if (memoryHave < memoryCount) {
    const key = await importJWK(cache.privateJwks.ed, 'EdDSA') as CryptoKey
    // Padded so each EdDSA token is as long as an RS256 one: the memory figure then stands for
    // Cognito-sized tokens, not for shorter ones.
    const [sample] = await mint('EdDSA', ED_KID, key, cache.iat, 'm', 0, 1) as [string]
    const pad = 'p'.repeat(Math.max(0, Math.floor((cache.repeat.length - sample.length) * 3 / 4) - 10))
    cache.memory.push(...await mint('EdDSA', ED_KID, key, cache.iat, 'm', memoryHave, memoryCount, { pad }))
  }
  const minted = cache.unique.length - uniqueHave + cache.memory.length - memoryHave
  if (minted > 0) {
    await mkdir(new URL('.', CACHE_FILE), { recursive: true })
    await writeFile(CACHE_FILE, JSON.stringify(cache))
    log(`tokens: minted ${minted} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s (kept in bench/.cache/)`)
  } else {
    log('tokens: all reused from bench/.cache/')
  }
  return { jwks: cache.jwks, repeat: cache.repeat, unique: cache.unique.slice(0, uniqueCount), memory: cache.memory.slice(0, memoryCount) }
}

/**
 * A well-formed RS256 token naming a kid nobody publishes: the header is new, the payload and
 * signature are borrowed. Every verifier must look the kid up before it can check anything else.
 */
export function unknownKidToken (template: string, n: number): string {
  const dot = template.indexOf('.')
  const header = base64url.encode(JSON.stringify({ alg: 'RS256', kid: `flood-${n}-${Math.random().toString(36).slice(2)}`, typ: 'JWT' }))
  return header + template.slice(dot)
}
