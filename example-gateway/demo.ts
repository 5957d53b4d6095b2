/**
 * `npm run demo`: the same stack on free ports, the flow end to end, each step printed with its
 * status; the exit code is non-zero if any step misbehaved.
 */
import { runFlow, type StepResult } from './flow.js'
import { stackOptionsFromEnv } from './env.js'
import { startDemoStack, type DemoStack } from './stack.js'

/** Runs the demo; resolves to the process exit code. */
export async function demo (
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
  flow: (stack: DemoStack, report: (step: StepResult) => void) => Promise<StepResult[]> = runFlow
): Promise<number> {
  const stack = await startDemoStack(stackOptionsFromEnv(env, { issuerPort: 0, upstreamPort: 0, gatewayPort: 0, relyingPartyPort: 0 }))
  try {
    const results = await flow(stack, (s) => { print(`${s.ok ? 'ok  ' : 'FAIL'} ${String(s.status)} (expected ${String(s.expected)})  ${s.name}`) })
    const failed = results.filter((s) => !s.ok).length
    print(failed === 0 ? `demo passed: ${results.length} steps` : `demo failed: ${failed} of ${results.length} steps misbehaved`)
    return failed === 0 ? 0 : 1
  } finally {
    await stack.close()
  }
}
