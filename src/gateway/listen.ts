/**
 * Listening with a first-run-friendly failure: a busy port becomes one line naming the port and
 * the variable that changes it, instead of a raw EADDRINUSE stack trace.
 */

/** The port is taken; `message` is the one line to print. */
export class PortInUseError extends Error {
  readonly code = 'ERR_PORT_IN_USE'
  constructor (readonly port: number, readonly variable: string) {
    super(`port ${port} is already in use; set ${variable} to another port (0 picks a free one)`)
  }

  override get name (): string { return 'PortInUseError' }
}

/**
 * Calls `server.listen`, turning EADDRINUSE into a {@link PortInUseError} that names `variable`.
 *
 * @example
 * ```ts
 * await listenOrExplain(gateway, { port: 8080, host: '127.0.0.1' }, 'GATEWAY_PORT')
 * ```
 */
export async function listenOrExplain (
  server: { listen: (options: { port: number, host: string }) => Promise<unknown> },
  where: { port: number, host: string },
  variable: string
): Promise<void> {
  try {
    await server.listen(where)
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE') throw new PortInUseError(where.port, variable)
    throw err
  }
}
