// The results as the markdown that goes between the markers in bench/README.md.
import type { BenchResults } from './results.js'
import { PENDING } from './scenarios/registry.js'
import type { ThroughputResult } from './scenarios/throughput.js'

const n0 = (v: number): string => Math.round(v).toLocaleString('en-US')
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0)
const x = (v: number | undefined): string => v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(2)}×`
const codes = (c: Record<string, number>): string => Object.entries(c).map(([k, v]) => `${k}: ${v}`).join(', ') || '—'

function throughputTable (r: BenchResults): string[] {
  const base = r.throughput.find((t) => t.scenario.id === 'baseline')?.rps.median
  const oursIn = (group: string): ThroughputResult | undefined => r.throughput.find((t) => t.scenario.group === group && t.scenario.ours === true)
  const lines = [
    '| Row | Scenario | req/s (median) | min–max | p99 ms | server CPU µs/req | peak RSS MB | × baseline | × ceiling | ours ÷ this |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const t of r.throughput) {
    const s = t.scenario
    const ours = s.ours === true ? undefined : oursIn(s.group)
    const flag = t.failures > 0 ? ` ⚠ ${t.failures} failed` : ''
    lines.push(`| ${s.row} | ${s.label}${s.ours === true ? ' **(ours)**' : ''}${flag} | ${n0(t.rps.median)} | ${n0(t.rps.min)}–${n0(t.rps.max)} | ${t.p99Ms} | ${t.cpuUsPerRequest.toFixed(0)} | ${mb(t.peakRssBytes)} | ` +
      `${x(base === undefined ? undefined : t.rps.median / base)} | ${x(s.workload === 'unique' && r.ceilingRps !== undefined ? t.rps.median / r.ceilingRps : undefined)} | ` +
      `${x(ours === undefined ? undefined : ours.rps.median / t.rps.median)} |`)
  }
  for (const p of PENDING) lines.push(`| ${p.row} | ${p.label} | pending | | | | | | | |`)
  return lines
}

/** The same work measured on one core (row 8), beside the modelled ceiling. */
function floorLine (r: BenchResults): string[] {
  const floor = r.throughput.find((t) => t.scenario.id === 'signature-only-unique')
  if (floor === undefined || r.ceilingRps === undefined) return []
  return ['', `Measured, that work on one core (row 8: the request and one synchronous RS256 check, nothing else) reached **${n0(floor.rps.median)} req/s**, ${x(floor.rps.median / r.ceilingRps)} the modelled ceiling.`]
}

function cryptoTable (r: BenchResults): string[] {
  if (r.crypto === undefined) return []
  const p = r.crypto.perSecond
  return [
    '| Verification on one core | per second (median) | min–max |',
    '|---|---:|---:|',
    ...(['RS256', 'ES256', 'EdDSA'] as const).map((a) => `| node:crypto ${a}${a === 'RS256' ? ' (RSA-2048)' : ''} | ${n0(p[a].median)} | ${n0(p[a].min)}–${n0(p[a].max)} |`),
    `| WebCrypto RS256, awaited one at a time (what jose calls) | ${n0(p['RS256-webcrypto'].median)} | ${n0(p['RS256-webcrypto'].min)}–${n0(p['RS256-webcrypto'].max)} |`,
    `| node:crypto RS256, callback form, 64 in flight on libuv's threadpool (what our verifier calls) | ${n0(p['RS256-threadpool'].median)} | ${n0(p['RS256-threadpool'].min)}–${n0(p['RS256-threadpool'].max)} |`,
    '',
    r.ceilingRps === undefined ? '' : `Unique-token ceiling = 1 / (1/baseline + 1/RS256) = **${n0(r.ceilingRps)} req/s**.`,
    ...floorLine(r)
  ]
}

function coldTable (r: BenchResults): string[] {
  if (r.coldStart.length === 0) return []
  return [
    `Each server's cold start ran ${r.coldStart[0]?.rounds ?? 1} time(s), interleaved; times are medians, JWKS fetches the most any one run made, statuses over all runs.`,
    '',
    '| Server | concurrent requests | JWKS fetches | first 200 ms | all answered ms | statuses |',
    '|---|---:|---:|---:|---:|---|',
    ...r.coldStart.map((c) => `| ${c.label}${c.ours ? ' **(ours)**' : ''} | ${c.requests} | ${c.jwksFetches} | ${c.firstOkMs === null ? 'none' : c.firstOkMs.toFixed(0)} | ${c.allDoneMs.toFixed(0)} | ${codes(c.statusCodes)} |`)
  ]
}

function floodTable (r: BenchResults): string[] {
  if (r.flood.length === 0) return []
  return [
    '| Server | unknown-kid requests | JWKS fetches | flood answered | valid req/s during flood | valid p99 ms | valid failures | server CPU µs/req |',
    '|---|---:|---:|---|---:|---:|---:|---:|',
    ...r.flood.map((f) => `| ${f.label}${f.ours ? ' **(ours)**' : ''} | ${f.floodRequests} in ${f.floodDurationS.toFixed(1)} s | ${f.jwksFetches} | ${codes(f.floodStatusCodes)} | ${n0(f.valid.rps)} | ${f.valid.p99Ms} | ${f.valid.non2xx + f.valid.errors} | ${f.cpuUsPerRequest.toFixed(0)} |`)
  ]
}

function memoryTable (r: BenchResults): string[] {
  const m = r.memory
  if (m === undefined) return []
  return [
    `Our server, ${n0(m.tokens)} distinct tokens each sent once; token cache bounds \`tokenCacheMaxEntries\` = ${n0(m.tokenCacheMaxEntries)}, \`tokenCacheMaxBytes\` = ${n0(m.tokenCacheMaxBytes)}; figures after a forced GC.`,
    '',
    '| Tokens verified | cached tokens | cache estimate MB | RSS MB | heap used MB |',
    '|---:|---:|---:|---:|---:|',
    ...m.checkpoints.map((c) => `| ${n0(c.tokensVerified)} | ${n0(c.cachedTokenCount)} | ${(c.cachedTokenBytes / 2 ** 20).toFixed(1)} | ${mb(c.rssBytes)} | ${mb(c.heapUsedBytes)} |`),
    '',
    `Peak RSS ${mb(m.peakRssBytes)} MB; cache within its bound at every checkpoint: **${m.withinBound ? 'yes' : 'NO'}**${m.failures > 0 ? `; ⚠ ${m.failures} requests failed` : ''}.`
  ]
}

function diagnosticsTable (r: BenchResults): string[] {
  const d = r.diagnostics
  if (d === undefined) return []
  const ns = (s: { median: number, min: number, max: number }): string => `${s.median.toFixed(0)} | ${s.min.toFixed(0)}–${s.max.toFixed(0)}`
  return [
    `A repeated token's check (\`verifyCached\`, a cache hit) in this process, ${d.rounds} rounds per pair, each pair timed back to back; ratios taken within each round.`,
    '',
    '| Variant | ns per request (median) | min–max | ÷ baseline (median of rounds) |',
    '|---|---:|---:|---:|',
    `| baseline: the check alone | ${ns(d.nsPerRequest.baseline)} | 1.00× |`,
    `| + counters and channels, nobody subscribed | ${ns(d.nsPerRequest.noSubscriber)} | ${x(d.ratioNoSubscriber.median)} (IQR ${d.ratioNoSubscriber.q1.toFixed(3)}–${d.ratioNoSubscriber.q3.toFixed(3)}) |`,
    `| + counters and channels, Prometheus collector subscribed | ${ns(d.nsPerRequest.subscribed)} | ${x(d.ratioSubscribed)} |`,
    '',
    `A publish helper with nobody subscribed: ${d.nsPerCall.publish.toFixed(1)} ns per call; an empty function: ${d.nsPerCall.noop.toFixed(1)} ns.`
  ]
}

function tenantsTable (r: BenchResults): string[] {
  const m = r.tenants
  if (m === undefined) return []
  return [
    `${n0(m.pools)} pools, one token each on a cold verifier, then ${n0(m.steadyRequests)} verifications across all pools (in-process, EdDSA, token cache off).`,
    '',
    '| Verifier | cold: ms | cold: JWKS fetches | steady: verifications/s | steady: JWKS fetches | key sets held for issuers trusted at run time |',
    '|---|---:|---:|---:|---:|---:|',
    ...m.rows.map((row) => `| ${row.label} | ${n0(row.coldMs)} | ${row.coldFetches} | ${n0(row.steadyPerSecond)} | ${row.steadyFetches} | ${row.trustedIssuers} |`),
    '',
    `Steady traffic, trustIssuer over configured issuers: ${m.steadyRatio.toFixed(2)}×.`
  ]
}

function targetTable (r: BenchResults): string[] {
  return [
    '| Target | goal | measured | met |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.name} | ${t.goal} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : 'no'} |`)
  ]
}

export function renderMarkdown (r: BenchResults): string {
  const m = r.machine
  const c = r.config
  return [
    `Run ${r.generatedAt} in ${(r.durationS / 60).toFixed(1)} min: \`${r.command}\`${c.quick ? ' (quick smoke mode: numbers are indicative only)' : ''}.`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, Fastify ${m.fastify}, ${m.platform}; load average at start ${m.loadAverageAtStart.toFixed(2)}.`,
    `Each throughput row: ${c.rounds} interleaved round(s) × ${c.durationS} s after ${c.warmupS} s warm-up, ${c.connections} connections, a fresh server process per measurement; unique tokens cycle through ${n0(c.uniquePool)} RS256 tokens.`,
    '',
    '### Throughput',
    '',
    ...throughputTable(r),
    '',
    '### The physical limit',
    '',
    ...cryptoTable(r),
    '',
    '### Cold start',
    '',
    ...coldTable(r),
    '',
    '### Flood of unknown kids',
    '',
    ...floodTable(r),
    '',
    '### Metrics with no subscriber',
    '',
    ...diagnosticsTable(r),
    '',
    '### Memory',
    '',
    ...memoryTable(r),
    '',
    '### Many tenants',
    '',
    ...tenantsTable(r),
    '',
    '### Targets',
    '',
    ...targetTable(r)
  ].join('\n')
}
