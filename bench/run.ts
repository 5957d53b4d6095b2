/**
 * `npm run bench`: every scenario of the benchmark issue in one run, on this machine.
 * The order: mint tokens, start the JWKS server, throughput rounds (the crypto limit measured
 * before each round), cold start, flood, diagnostics (metrics with no subscriber), memory, many
 * tenants; then bench/results/latest.json and the table in
 * bench/README.md.
 */
import { createRequire } from 'node:module'
import { cpus, loadavg, platform, release } from 'node:os'
import { readConfig, selected } from './config.js'
import { startJwksServer } from './jwks.js'
import { writeReport } from './report.js'
import type { BenchResults, Machine } from './results.js'
import { diagnostics, type DiagnosticsResult } from './scenarios/diagnostics.js'
import { COLD_START_APPS, coldStart, coldStartOrder, settle, summarizeColdStarts, type ColdStartResult } from './scenarios/cold-start.js'
import type { RunContext } from './scenarios/context.js'
import { ceiling, measureCrypto, summarizeCrypto, type CryptoAlg } from './scenarios/crypto-limit.js'
import { flood, type FloodResult } from './scenarios/flood.js'
import { memory, type MemoryResult } from './scenarios/memory.js'
import { tenants, type TenantsResult } from './scenarios/tenants.js'
import { THROUGHPUT } from './scenarios/registry.js'
import { runThroughput } from './scenarios/throughput.js'
import { checkTargets } from './targets.js'
import { tokenMaterial } from './tokens.js'

function machine (): Machine {
  const fastify = (createRequire(import.meta.url)('fastify/package.json') as { version: string }).version
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    fastify,
    platform: `${platform()} ${release()}`,
    loadAverageAtStart: loadavg()[0] ?? 0
  }
}

function command (): string {
  const env = Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${v} `).join('')
  return `${env}npm run bench`
}

async function main (): Promise<void> {
  const started = performance.now()
  const host = machine()
  const config = readConfig()
  const log = (message: string): void => { console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`) }
  const uniqueCount = Math.max(
    THROUGHPUT.some((s) => s.workload === 'unique' && selected(config, s.id)) ? config.uniquePool : 0,
    selected(config, 'cold') ? config.coldRequests : 0)
  const tokens = await tokenMaterial(uniqueCount, selected(config, 'memory') ? config.memoryTokens : 0, log)
  const jwks = await startJwksServer(tokens.jwks)
  const ctx: RunContext = { config, tokens, jwks, log }
  const rsaJwk = tokens.jwks[0]
  if (rsaJwk === undefined) throw new Error('no RSA key in the bench JWKS')

  try {
    const cryptoSamples: Array<Record<CryptoAlg, number>> = []
    const scenarios = THROUGHPUT.filter((s) => selected(config, s.id))
    const throughput = await runThroughput(ctx, scenarios, async (round) => {
      if (!selected(config, 'crypto')) return
      const sample = await measureCrypto(tokens.repeat, rsaJwk, config.cryptoSeconds)
      cryptoSamples.push(sample)
      log(`round ${round} crypto: ${Object.entries(sample).map(([alg, v]) => `${alg} ${v.toFixed(0)}/s`).join(', ')}`)
    })
    const crypto = cryptoSamples.length > 0 ? summarizeCrypto(cryptoSamples) : undefined
    const baseline = throughput.find((t) => t.scenario.id === 'baseline')
    const ceilingRps = crypto !== undefined && baseline !== undefined ? ceiling(baseline.rps.median, crypto.perSecond.RS256.median) : undefined

    const coldRuns = new Map<string, ColdStartResult[]>(COLD_START_APPS.map((target) => [target.id, []]))
    const floodResults: FloodResult[] = []
    // Interleaved rounds, as the throughput rows are: one cold start is one sample of a noisy race.
    for (let round = 1; round <= config.rounds && selected(config, 'cold'); round++) {
      // Each round starts with the next server: whoever goes first runs while the bench process
      // is still busy from what came before, which cost the first server about 35 ms a run.
      for (const target of coldStartOrder(round)) {
        await settle()
        const c = await coldStart(ctx, target)
        coldRuns.get(target.id)?.push(c)
        log(`round ${round} cold ${target.id.padEnd(12)} ${c.jwksFetches} JWKS fetches, first 200 after ${c.firstOkMs?.toFixed(0) ?? 'never'} ms, all in ${c.allDoneMs.toFixed(0)} ms ${JSON.stringify(c.statusCodes)}`)
      }
    }
    const coldResults: ColdStartResult[] = [...coldRuns.values()].filter((runs) => runs.length > 0).map(summarizeColdStarts)
    for (const target of COLD_START_APPS) {
      if (selected(config, 'flood')) {
        const f = await flood(ctx, target)
        floodResults.push(f)
        log(`flood ${target.id.padEnd(12)} ${f.jwksFetches} JWKS fetches, valid ${f.valid.rps.toFixed(0)} req/s (${f.valid.non2xx} non-2xx), flood ${JSON.stringify(f.floodStatusCodes)} in ${f.floodDurationS.toFixed(1)} s`)
      }
    }
    let diagnosticsResult: DiagnosticsResult | undefined
    if (selected(config, 'diagnostics')) {
      diagnosticsResult = await diagnostics(ctx)
      const d = diagnosticsResult.nsPerRequest
      log(`diagnostics ${d.baseline.median.toFixed(1)} ns baseline, ${d.noSubscriber.median.toFixed(1)} ns no subscriber (${diagnosticsResult.ratioNoSubscriber.median.toFixed(3)}×, IQR ${diagnosticsResult.ratioNoSubscriber.q1.toFixed(3)}–${diagnosticsResult.ratioNoSubscriber.q3.toFixed(3)}), ${d.subscribed.median.toFixed(1)} ns subscribed (${diagnosticsResult.ratioSubscribed.toFixed(3)}×)`)
    }
    let memoryResult: MemoryResult | undefined
    if (selected(config, 'memory')) {
      memoryResult = await memory(ctx)
      log(`memory ${memoryResult.checkpoints.map((c) => `${c.tokensVerified}: ${(c.rssBytes / 2 ** 20).toFixed(0)} MB rss, ${c.cachedTokenCount} cached`).join('; ')}`)
    }

    let tenantsResult: TenantsResult | undefined
    if (selected(config, 'tenants')) tenantsResult = await tenants(ctx)

    const measured = {
      generatedAt: new Date().toISOString(),
      command: command(),
      machine: host,
      config,
      durationS: (performance.now() - started) / 1000,
      crypto,
      ceilingRps,
      throughput,
      coldStart: coldResults,
      flood: floodResults,
      memory: memoryResult,
      diagnostics: diagnosticsResult,
      tenants: tenantsResult
    }
    const results: BenchResults = { ...measured, targets: checkTargets(measured) }
    const markdown = await writeReport(results, config.writeReadme)
    console.log(`\n${markdown}\n`)
    log('wrote bench/results/latest.json' + (config.writeReadme ? ' and bench/README.md' : ''))
  } finally {
    await jwks.close()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
