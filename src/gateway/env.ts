/** Reading settings from environment variables, with errors that name the variable and the value. */
import { OptionError } from '../verifier/errors.js'

/**
 * The integer in `env[name]`, or `fallback` when unset or empty.
 *
 * @example
 * ```ts
 * const port = envInteger(process.env, 'GATEWAY_PORT', 8080, 0, 65535)
 * ```
 */
export function envInteger (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) throw new OptionError(name, `must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`)
  return value
}
