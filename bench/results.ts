// The shape of bench/results/latest.json: everything one run measured, and where.
import type { BenchConfig } from './config.js'
import type { ColdStartResult } from './scenarios/cold-start.js'
import type { CryptoResult } from './scenarios/crypto-limit.js'
import type { DiagnosticsResult } from './scenarios/diagnostics.js'
import type { FloodResult } from './scenarios/flood.js'
import type { MemoryResult } from './scenarios/memory.js'
import type { TenantsResult } from './scenarios/tenants.js'
import type { ThroughputResult } from './scenarios/throughput.js'

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly node: string
  readonly fastify: string
  readonly platform: string
  /** 1-minute load average when the run started: other work on the machine skews everything. */
  readonly loadAverageAtStart: number
}

export interface Target {
  readonly name: string
  readonly goal: string
  readonly measured: string
  /** null when the row it needs was not measured. */
  readonly met: boolean | null
}

export interface BenchResults {
  readonly generatedAt: string
  readonly command: string
  readonly machine: Machine
  readonly config: BenchConfig
  readonly durationS: number
  readonly crypto?: CryptoResult
  /** Unique-token ceiling: 1 / (1/baseline + 1/RS256 verify rate). */
  readonly ceilingRps?: number
  readonly throughput: ThroughputResult[]
  readonly coldStart: ColdStartResult[]
  readonly flood: FloodResult[]
  readonly memory?: MemoryResult
  readonly diagnostics?: DiagnosticsResult
  readonly tenants?: TenantsResult
  readonly targets: Target[]
}
