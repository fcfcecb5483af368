/**
 * A reader that goes away: `causette status | head -1`, or a terminal
 * closed under a running daemon. A command ends quietly with success; the
 * daemon carries on serving. Real child processes whose standard output
 * is a pipe the test closes, as `head` closes it.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CAUSETTE, cli, eventually, ISOLATED, type TempDir, tempDir, withoutDesktop } from './fixtures/daemons.ts'

/** Starts `causette <args>` and closes the reading end of its output at once: everything it writes meets a closed pipe. */
function withOutputClosed(home: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--max-semi-space-size=2', CAUSETTE, '--home', home, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: withoutDesktop()
  })
  child.stdout?.destroy()
  return child
}

/** What a command wrote on stderr, and how it ended (killed after 30 s if it never does). */
async function ending(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const [code] = (await once(child, 'close')) as [number | null]
  clearTimeout(timer)
  return { code, stderr }
}

describe('a closed output', () => {
  let dirs: TempDir
  let home: string
  let daemon: ChildProcess | undefined

  before(async () => {
    dirs = await tempDir()
    home = join(dirs.path, 'home')
  })

  after(async () => {
    if (daemon !== undefined && daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGKILL')
      await once(daemon, 'close')
    }
    await dirs?.remove()
  })

  it('the daemon whose output was closed from the start carries on serving its groups', async () => {
    daemon = withOutputClosed(home, ['start', '--name', 'Alice', ...ISOLATED])
    daemon.stderr?.resume()
    // its start report met the closed pipe; it answers all the same
    await eventually(async () => (await cli(home, ['status'])).code === 0, 'the daemon to answer', 60_000)
    const created = await cli(home, ['create', 'Climbing club'])
    assert.equal(created.code, 0, created.stderr)
    const sent = await cli(home, ['send', 'Climbing club', 'Sunday at 10?'])
    assert.equal(sent.code, 0, sent.stderr)
    assert.equal(daemon.exitCode, null, 'the daemon is still running')
  })

  it('a command whose reader has gone ends quietly, with success, and the daemon is untouched', async () => {
    for (const args of [['status'], ['history', 'Climbing club'], ['groups'], ['export', 'Climbing club']]) {
      const { code, stderr } = await ending(withOutputClosed(home, args))
      assert.equal(stderr, '', `causette ${args.join(' ')} says nothing of the closed pipe`)
      assert.equal(code, 0, `causette ${args.join(' ')} ends with success`)
    }
    const history = await cli(home, ['history', 'Climbing club'])
    assert.match(history.stdout, /Sunday at 10\?/, 'the daemon still serves')
  })

  it('the daemon stops when asked, with success', async () => {
    const stop = await cli(home, ['stop'])
    assert.equal(stop.code, 0, stop.stderr)
    const [code] = daemon?.exitCode === null ? ((await once(daemon, 'close')) as [number | null]) : [daemon?.exitCode]
    assert.equal(code, 0)
  })
})
