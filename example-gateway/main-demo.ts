/** Entry point of `npm run demo`. */
import { demo } from './demo.js'
import { explainStartFailure } from '../src/gateway/cli-main.js'

try {
  process.exitCode = await demo(process.env, (line) => { process.stdout.write(`${line}\n`) })
} catch (err) {
  process.stderr.write(`${explainStartFailure(err, 'cannot start') ?? String((err as Error).stack)}\n`)
  process.exitCode = 1
}
