/** Entry point of `npm run demo`. */
import { demo } from './demo.js'

process.exitCode = await demo(process.env, (line) => { process.stdout.write(`${line}\n`) })
