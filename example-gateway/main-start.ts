/** Entry point of `npm start`. */
import { explainStartFailure } from '../src/gateway/cli-main.js'
import { start } from './start.js'

try {
  const stack = await start(process.env, (text) => { process.stdout.write(`${text}\n`) })
  const stop = (): void => {
    void stack.close().then(() => { process.stdout.write('stopped.\n'); process.exit(0) })
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
} catch (err) {
  process.stderr.write(`${explainStartFailure(err, 'cannot start') ?? String((err as Error).stack)}\n`)
  process.exitCode = 1
}
