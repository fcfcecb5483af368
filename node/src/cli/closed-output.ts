/**
 * When whoever reads the command's output goes away — `causette history G
 * | head` closes the pipe after ten lines, a terminal is closed — writing
 * to it fails with EPIPE. A command then has no one left to tell anything:
 * it ends at once, quietly and with success, as `git log | head` does.
 * The daemon (`causette start`) serves its groups all the same, and writes
 * nothing more.
 */

let daemon = false

/** Installed once, before any command runs. */
export function endWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err
      if (!daemon) process.exit(0)
    })
  }
}

/** The daemon is running: a closed output no longer ends the process. */
export function carryOnWhenOutputCloses(): void {
  daemon = true
}
