/**
 * `node dist/bench/profile-summary.js <file.cpuprofile> [top]`: where a server spent its CPU, by
 * function (self time) and by package, from a profile written with BENCH_PROFILE=1.
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string, readonly url: string, readonly lineNumber: number }
  readonly children?: readonly number[]
}
interface Profile { readonly nodes: readonly ProfileNode[], readonly samples: readonly number[], readonly timeDeltas: readonly number[] }

function where (url: string): string {
  if (url === '') return '(native)'
  const nm = url.lastIndexOf('node_modules/')
  if (nm !== -1) {
    const rest = url.slice(nm + 13).split('/')
    return (rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : rest[0]) ?? url
  }
  if (url.startsWith('node:')) return url
  const dist = url.indexOf('/dist/')
  return dist === -1 ? url : url.slice(dist + 6).split('/').slice(0, 2).join('/')
}

function main (): void {
  const [file, topArg] = process.argv.slice(2)
  if (file === undefined) throw new TypeError('usage: profile-summary <file.cpuprofile> [top]')
  const top = Number(topArg ?? 25)
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  for (const [id, us] of self) {
    const f = (byId.get(id) as ProfileNode).callFrame
    const key = `${f.functionName || '(anonymous)'} ${where(f.url)}${f.url === '' ? '' : `:${f.lineNumber + 1}`}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
    byPackage.set(where(f.url), (byPackage.get(where(f.url)) ?? 0) + us)
  }
  const show = (title: string, m: Map<string, number>): void => {
    console.log(`\n${title}`)
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(100 * us / total).toFixed(1).padStart(5)}%  ${k}`)
  }
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`)
  show('self time by package', byPackage)
  show('self time by function', byFunction)
}

main()
