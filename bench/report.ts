/**
 * Writing a run down: bench/results/latest.json, and the markdown between the markers in
 * bench/README.md (so a re-run replaces it and leaves the prose alone).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { renderMarkdown } from './markdown.js'
import type { BenchResults } from './results.js'

const ROOT = new URL('../../bench/', import.meta.url)
const START = '<!-- bench:results:start -->'
const END = '<!-- bench:results:end -->'

export async function writeReport (results: BenchResults, writeReadme: boolean): Promise<string> {
  await mkdir(new URL('results/', ROOT), { recursive: true })
  await writeFile(new URL('results/latest.json', ROOT), `${JSON.stringify(results, null, 2)}\n`)
  const markdown = renderMarkdown(results)
  if (writeReadme) {
    const readmeUrl = new URL('README.md', ROOT)
    const readme = await readFile(readmeUrl, 'utf8').catch(() => `# Benchmarks\n\n${START}\n${END}\n`)
    const start = readme.indexOf(START)
    const end = readme.indexOf(END)
    const next = start === -1 || end < start
      ? `${readme.trimEnd()}\n\n${START}\n${markdown}\n${END}\n`
      : `${readme.slice(0, start + START.length)}\n${markdown}\n${readme.slice(end)}`
    await writeFile(readmeUrl, next)
  }
  return markdown
}
