/** Entry point of `npm start`. */
import { start } from './start.js'

const stack = await start(process.env, (text) => { process.stdout.write(`${text}\n`) })
const stop = (): void => {
  void stack.close().then(() => { process.stdout.write('stopped.\n'); process.exit(0) })
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
