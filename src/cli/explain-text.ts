/**
 * The `explain` report as text for a terminal. Everything the token supplies (header, claims,
 * kid) is printed through JSON.stringify, so a control character in a claim cannot move the
 * cursor or forge a line of the report.
 */
import type { ExplainReport } from './explain.js'

const RESULT = { passed: 'passed ', failed: 'FAILED ', 'not-run': 'not run' } as const
const STEP_WIDTH = 14

/**
 * The report as lines of text, ending with the verdict.
 *
 * @example
 * ```ts
 * for (const line of explainText(await explainToken(token, options))) console.log(line)
 * ```
 */
export function explainText (report: ExplainReport): string[] {
  const trust = report.verdict === 'accepted' ? 'verified' : 'decoded, not trusted'
  const lines: string[] = []
  if (report.header === null) {
    lines.push('Token: could not be decoded; nothing of it is shown.')
  } else {
    lines.push(`Header (${trust})`, `  ${JSON.stringify(report.header)}`)
    lines.push(`Claims (${trust})`, `  ${JSON.stringify(report.claims)}`)
  }
  if (report.header !== null) lines.push(`Times (now ${report.now}, ${new Date(report.now * 1000).toISOString()})`)
  for (const t of report.times) {
    lines.push(`  ${t.claim}  ${t.value}  ${t.at ?? 'not a date'}  ${t.human} (${t.inSeconds > 0 ? '+' : ''}${t.inSeconds} s)`)
  }
  lines.push('Checks')
  for (const c of report.checks) {
    const head = `  ${RESULT[c.result]}  ${c.step.padEnd(STEP_WIDTH)}`
    if (c.result === 'failed') {
      lines.push(`${head}${c.code as string}: ${c.detail as string}`, `${' '.repeat(head.length)}fix: ${c.fix as string}`)
    } else {
      lines.push(c.detail === undefined ? head.trimEnd() : `${head}${c.detail}`)
    }
  }
  if (report.key !== null) {
    lines.push(`Key: kid ${JSON.stringify(report.key.kid)}, alg ${report.key.alg}, kty ${report.key.kty}${report.key.crv === undefined ? '' : `, crv ${report.key.crv}`}`)
  }
  lines.push(report.verdict === 'accepted' ? 'Verdict: accepted' : `Verdict: refused (${report.status} ${report.code as string})`)
  return lines
}
