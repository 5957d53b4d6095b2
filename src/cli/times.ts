/**
 * A token's time claims as a person reads them: "expires in 3 min", "expired 2 h ago", with the
 * seconds beside them. Read from the decoded claims before they are trusted, so a claim of the
 * wrong type is left out here and reported by the time check.
 */

/** One time claim of the token, relative to the time of the checks. */
export interface ExplainedTime {
  readonly claim: 'exp' | 'nbf' | 'iat'
  /** The claim's value, in seconds since the epoch. */
  readonly value: number
  /** The same instant in ISO 8601, or null when it is past what a Date can hold. */
  readonly at: string | null
  /** `value` minus the time of the checks, in seconds: negative in the past. */
  readonly inSeconds: number
  /** The same, in words: `expires in 3 min`, `expired 2 h ago`, `issued 5 s ago`. */
  readonly human: string
}

/**
 * A duration in the largest unit that keeps two significant figures: `45 s`, `3 min`, `2 h`, `4 d`.
 *
 * @example
 * ```ts
 * humanDuration(-7260) // '2 h'
 * ```
 */
export function humanDuration (seconds: number): string {
  const s = Math.abs(Math.round(seconds))
  if (s < 120) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min`
  if (s < 172_800) return `${Math.floor(s / 3600)} h`
  return `${Math.floor(s / 86_400)} d`
}

const WORDS: Readonly<Record<ExplainedTime['claim'], (duration: string, future: boolean) => string>> = {
  exp: (d, future) => future ? `expires in ${d}` : `expired ${d} ago`,
  nbf: (d, future) => future ? `valid in ${d}` : `valid since ${d} ago`,
  iat: (d, future) => future ? `issued ${d} in the future` : `issued ${d} ago`
}

/**
 * The time claims of `claims` that are numbers, relative to `now` (seconds since the epoch).
 *
 * @example
 * ```ts
 * describeTimes({ exp: 1_800_000_180 }, 1_800_000_000)[0]?.human // 'expires in 3 min'
 * ```
 */
export function describeTimes (claims: Readonly<Record<string, unknown>> | undefined, now: number): ExplainedTime[] {
  const times: ExplainedTime[] = []
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = claims?.[claim]
    if (typeof value !== 'number' || !Number.isFinite(value)) continue
    const date = new Date(value * 1000)
    const inSeconds = value - now
    times.push({ claim, value, at: Number.isNaN(date.getTime()) ? null : date.toISOString(), inSeconds, human: WORDS[claim](humanDuration(inSeconds), inSeconds > 0) })
  }
  return times
}
