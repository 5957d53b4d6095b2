/**
 * The process's standard streams as the command lines' io: a line to stdout, a line to stderr,
 * and standard input read to its end. Shared by the executables, whose `run…Cli` functions take
 * io as an argument so that tests run them without a process.
 */

/**
 * Standard output, error and input.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), stdio)
 * ```
 */
export const stdio = Object.freeze({
  out: (text: string): void => { process.stdout.write(`${text}\n`) },
  err: (text: string): void => { process.stderr.write(`${text}\n`) },
  readStdin: async (): Promise<string> => {
    let text = ''
    for await (const chunk of process.stdin) text += String(chunk)
    return text
  }
})
