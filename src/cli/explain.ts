/**
 * `explain`: why a token would be accepted or refused. It runs the verifier's own checks
 * (verify-steps.ts, the code `TokenVerifier.verify` runs) and records each as passed, failed or
 * not run, then the route's requirements with `checkRequirements`. Nothing here re-implements a
 * check: the header and claims shown are the verifier's own decoding, and the report never holds
 * the token or its signature.
 */
import type { FailureKind } from '../verifier/errors.js'
import { ResourceServerError, type ErrorCode } from '../verifier/errors.js'
import { IssuerRegistry } from '../verifier/issuer-registry.js'
import type { ResolvedOptions } from '../verifier/options.js'
import { checkRequirements, type CompiledRequirements } from '../verifier/requirements.js'
import type { VerifiedToken } from '../verifier/verified-token.js'
import { runChecks, VERIFY_STEPS, type IssuerLookup, type KeySource, type VerifyObserver, type VerifyStep, type VerifyStepDetails } from '../verifier/verify-steps.js'
import { FIXES } from './fixes.js'
import { describeTimes, type ExplainedTime } from './times.js'

/** A check of the report: one of the verifier's steps, or the route's requirements. */
export type ExplainStep = VerifyStep | 'requirements'

/** One check and how it went. */
export interface ExplainedCheck {
  readonly step: ExplainStep
  readonly result: 'passed' | 'failed' | 'not-run'
  /** What the check found (passed), or the verifier's message (failed). */
  readonly detail?: string
  /** The error code (failed only). */
  readonly code?: ErrorCode
  /** One sentence saying what to fix (failed only). */
  readonly fix?: string
}

/** The key the signature verified with. */
export interface ExplainedKey {
  readonly kid: string
  /** The token's `alg`, which the key fits. */
  readonly alg: string
  readonly kty: string
  readonly crv?: string
}

/** The whole answer of `explain`; `--json` prints it as is (see the README for the schema). */
export interface ExplainReport {
  /** The schema's version; it changes only when a member changes meaning or goes away. */
  readonly version: 1
  readonly verdict: 'accepted' | 'refused'
  /** What the plugin would answer: 200, or the refusal's 400, 401, 403 or 503. */
  readonly status: number
  readonly code: ErrorCode | null
  /** The decoded header and claims, not trusted unless the verdict is `accepted`; null when the token cannot be decoded. */
  readonly header: Readonly<Record<string, unknown>> | null
  readonly claims: Readonly<Record<string, unknown>> | null
  /** The time of the checks, in seconds since the epoch. */
  readonly now: number
  readonly times: readonly ExplainedTime[]
  readonly checks: readonly ExplainedCheck[]
  readonly key: ExplainedKey | null
}

const STATUS: Readonly<Record<FailureKind, number>> = { invalid_request: 400, invalid_token: 401, insufficient_scope: 403, unavailable: 503 }

type Found = { -readonly [S in VerifyStep]?: VerifyStepDetails[S] }

function passedDetail (step: VerifyStep, found: Found): string {
  switch (step) {
    case 'decode': return 'a compact JWS: header, claims and signature decode'
    case 'header': return `alg ${(found.header?.alg as string)}, kid ${JSON.stringify(found.header?.kid)}`
    case 'issuer': return `${JSON.stringify(found.issuer?.issuer)} is trusted (profile ${found.issuer?.profile.name as string})`
    case 'typ': return 'the header\'s typ fits the profile'
    case 'key': return `${found.key?.length as number} published key(s) under this kid fit ${found.header?.alg as string}`
    case 'signature': return `verified with kid ${JSON.stringify(found.signature?.jwk.kid)} (${found.signature?.jwk.kty as string})`
    case 'time': return 'inside exp, nbf and iat, and within the longest lifetime'
    case 'claims': return `sub ${JSON.stringify(found.claims?.sub)}, client ${JSON.stringify(found.claims?.clientId ?? null)}, token_use ${found.claims?.tokenUse as string}`
  }
}

function failed (step: ExplainStep, err: ResourceServerError): ExplainedCheck {
  const code = err.code as ErrorCode
  return { step, result: 'failed', detail: err.message, code, fix: FIXES[code] }
}

/** The route's requirements, checked with the plugin's own `checkRequirements`: the refusal, or undefined. */
function unmetRequirement (token: VerifiedToken, needs: CompiledRequirements): ResourceServerError | undefined {
  try {
    checkRequirements(token, needs)
    return undefined
  } catch (err) {
    return err as ResourceServerError
  }
}

function metRequirements (needs: CompiledRequirements): ExplainedCheck {
  const met = [...needs.scopes.map((s) => `scope ${s}`), ...needs.groups.map((g) => `group ${g}`), ...needs.claims.map((c) => `claim ${c.path}`)]
  return { step: 'requirements', result: 'passed', detail: `the token holds ${met.join(', ')}` }
}

/** The issuers, with their keys from `keys` instead of their JWKS when given (`--jwks <file>`). */
function issuerLookup (o: ResolvedOptions, keys: KeySource | undefined): IssuerLookup<KeySource> {
  const registry = new IssuerRegistry(o)
  if (keys === undefined) return registry
  return { lookup: (iss) => ({ issuer: registry.lookup(iss).issuer, keySet: keys }) }
}

/**
 * Explains what the verifier configured by `o` makes of `token`, and of the route requirements
 * `needs` when given.
 *
 * @param keys - keys to use instead of each issuer's JWKS (from a file).
 * @example
 * ```ts
 * const report = await explainToken(token, resolveOptions({ issuer, clientId: null }))
 * console.log(report.verdict, report.code)
 * ```
 */
export async function explainToken (token: string, o: ResolvedOptions, keys?: KeySource, needs?: CompiledRequirements): Promise<ExplainReport> {
  const found: Found = {}
  let passed = 0
  const observer: VerifyObserver = {
    passed: (step, detail) => {
      (found as Record<string, unknown>)[step] = detail
      passed++
    }
  }
  let verified: VerifiedToken | undefined
  let failure: ResourceServerError | undefined
  try {
    verified = (await runChecks(token, o, issuerLookup(o, keys), observer)).token
  } catch (err) {
    if (!(err instanceof ResourceServerError)) throw err
    failure = err
  }
  // The observer hears the checks in order, so the one that threw is the next after those it heard.
  const checks: ExplainedCheck[] = VERIFY_STEPS.map((step, i) => i < passed
    ? { step, result: 'passed', detail: passedDetail(step, found) }
    : i === passed ? failed(step, failure as ResourceServerError) : { step, result: 'not-run' })
  let refusal = failure
  if (needs !== undefined) {
    refusal ??= unmetRequirement(verified as VerifiedToken, needs)
    checks.push(verified === undefined
      ? { step: 'requirements', result: 'not-run' }
      : refusal === undefined ? metRequirements(needs) : failed('requirements', refusal))
  }
  const now = Math.floor(o.clock() / 1000)
  const jwk = found.signature?.jwk
  return {
    version: 1,
    verdict: refusal === undefined ? 'accepted' : 'refused',
    status: refusal === undefined ? 200 : STATUS[refusal.kind],
    code: refusal === undefined ? null : refusal.code as ErrorCode,
    header: found.decode?.header ?? null,
    claims: found.decode?.payload ?? null,
    now,
    times: describeTimes(found.decode?.payload, now),
    checks,
    key: jwk === undefined ? null : { kid: jwk.kid, alg: found.header?.alg as string, kty: jwk.kty, ...(jwk.crv === undefined ? {} : { crv: jwk.crv }) }
  }
}
