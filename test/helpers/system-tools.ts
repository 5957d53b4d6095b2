// Debian packages some tests drive for real (Chromium, redis-server). `.ci/run` installs them; on a
// machine without one, those tests are skipped with one line on stderr saying what and why.
import { accessSync, constants } from 'node:fs'

export interface SystemTool {
  /** What the skipped tests exercise, for the skip line. */
  readonly what: string
  /** The executable's absolute path. */
  readonly path: string
  /** The Debian package that provides it. */
  readonly debianPackage: string
}

export const chromium: SystemTool = { what: 'browser tests', path: '/usr/bin/chromium', debianPackage: 'chromium' }
export const redisServer: SystemTool = { what: 'Redis tests', path: '/usr/bin/redis-server', debianPackage: 'redis-server' }

/**
 * `false` when the tool is installed; otherwise the skip reason, printed once as one line.
 *
 * @example
 * const skip = missingTool(chromium)
 * t.test('logs in through the browser', { skip }, async (t) => { … })
 */
export function missingTool (tool: SystemTool): string | false {
  try {
    accessSync(tool.path, constants.X_OK)
    return false
  } catch {
    const reason = `${tool.what} skipped: ${tool.path} not found (install it with: apt-get install -y ${tool.debianPackage})`
    console.error(`# SKIPPED ${reason}`)
    return reason
  }
}
