/**
 * The `causette` command itself: help on every command, where it keeps its
 * data, that it runs even when started by the machine's older Node, and
 * that `npm start` runs the daemon.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { delimiter, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { CAUSETTE, cli, cliError, eventually, type TempDir, tempDir } from './fixtures/daemons.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const COMMANDS = [
  'start',
  'create',
  'groups',
  'read',
  'members',
  'remove',
  'role',
  'leave',
  'invite',
  'join',
  'send',
  'edit',
  'delete',
  'react',
  'about',
  'history',
  'tail',
  'search',
  'mentions',
  'export',
  'verify',
  'unverify',
  'block',
  'unblock',
  'blocked',
  'profile',
  'status',
  'peers',
  'stop'
]

/** Runs a program to completion, collecting its output. */
async function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, cwd: options.cwd ?? ROOT })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const [code] = (await once(child, 'close')) as [number | null]
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/** PATH without this checkout's node_modules/.bin: what a shell outside npm has. */
function pathOutsideNpm(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes('node_modules'))
    .join(delimiter)
}

describe('the causette command', () => {
  let dirs: TempDir

  before(async () => {
    dirs = await tempDir()
  })

  after(async () => {
    await dirs?.remove()
  })

  it('lists every command in its help, and gives each command its own --help', async () => {
    const top = await run(process.execPath, [CAUSETTE, '--help'])
    assert.equal(top.code, 0)
    for (const name of COMMANDS) assert.match(top.stdout, new RegExp(`^  ${name}\\b`, 'm'), `${name} is listed`)
    // a few at a time: each is a process of its own
    const queue = [...COMMANDS]
    const check = async (): Promise<void> => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const help = await run(process.execPath, [CAUSETTE, name, '--help'])
        assert.equal(help.code, 0, `${name} --help`)
        assert.match(help.stdout, new RegExp(`^Usage: causette ${name}\\b`), `${name} --help shows its usage`)
        assert.match(help.stdout, /--home <dir>/, `${name} --help shows the global options`)
      }
    }
    await Promise.all([check(), check(), check()])
  })

  it('keeps its data in --home, else $CAUSETTE_HOME, else the XDG data directory', async () => {
    const env = { ...process.env, HOME: dirs.path, CAUSETTE_HOME: '', XDG_DATA_HOME: '' }
    const byDefault = await cliError(join(dirs.path, 'flag'), ['groups'], { env })
    assert.match(byDefault.message, new RegExp(`not running for ${join(dirs.path, 'flag')};`))

    const withoutFlag = async (extra: NodeJS.ProcessEnv) => run(process.execPath, [CAUSETTE, '--json', 'groups'], { env: { ...env, ...extra } })
    const home = JSON.parse((await withoutFlag({})).stderr).error.message as string
    assert.match(home, new RegExp(`not running for ${join(dirs.path, '.local', 'share', 'causette')}; start it with \`causette start\``))
    const xdg = JSON.parse((await withoutFlag({ XDG_DATA_HOME: join(dirs.path, 'xdg') })).stderr).error.message as string
    assert.match(xdg, new RegExp(`not running for ${join(dirs.path, 'xdg', 'causette')};`))
    const chosen = JSON.parse((await withoutFlag({ XDG_DATA_HOME: join(dirs.path, 'xdg'), CAUSETTE_HOME: join(dirs.path, 'chosen') })).stderr).error
      .message as string
    assert.match(chosen, new RegExp(`not running for ${join(dirs.path, 'chosen')}; start it with \`causette start\``))
  })

  it('runs when started by an older Node, handing over to the Node 24 the project pins', async (t) => {
    const env = { ...process.env, PATH: pathOutsideNpm() }
    const version = await run('/usr/bin/env', ['node', '--version'], { env })
    t.diagnostic(`node on PATH outside npm: ${version.code === 0 ? version.stdout.trim() : 'none'}`)
    const result = await run('/usr/bin/env', ['node', CAUSETTE, '--version'], { env })
    if (version.code !== 0) {
      // no other Node: the binary runs with the pinned one directly
      assert.equal((await run(process.execPath, [CAUSETTE, '--version'])).stdout.trim(), '0.1.0')
      return
    }
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout.trim(), '0.1.0')
    const failing = await run('/usr/bin/env', ['node', CAUSETTE, '--home', join(dirs.path, 'old-node'), 'groups'], { env })
    assert.equal(failing.code, 1, 'exit statuses come through the hand-over')
    assert.match(failing.stderr, /the Causette daemon is not running/)
  })

  it('runs the daemon with `npm start`, which `causette stop` ends', async () => {
    const home = join(dirs.path, 'npm-start')
    const env = { ...process.env, CAUSETTE_HOME: home }
    const npm = spawn('npm', ['start', '--silent', '--', '--api-port', '0', '--p2p-port', '0', '--listen-host', '127.0.0.1', '--no-mdns'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group: whatever happens, the daemon under npm goes with it
      detached: true
    })
    let output = ''
    npm.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
    })
    const exited = once(npm, 'close')
    try {
      await eventually(() => output.includes('Ready.'), 'the daemon started by npm start to be ready', 60_000)
      assert.match(output, /Causette daemon running as an unnamed device\n {2}peer id {4}12D3Koo\w+\n {2}data {7}/)
      // npm start builds the web app when it is missing or stale, and the daemon says where to open it
      const open = /Open (http:\/\/127\.0\.0\.1:\d+\/) in your browser/.exec(output)
      assert.ok(open !== null, `the daemon says where the web app is: ${output}`)
      const page = await fetch(open[1] as string)
      assert.equal(page.status, 200)
      assert.match(await page.text(), /<title>Causette<\/title>/)
      const stop = await cli(home, ['stop'], { env })
      assert.equal(stop.code, 0, stop.stderr)
      const [code] = (await exited) as [number | null]
      assert.equal(code, 0)
      assert.match(output, /Stopping…\nStopped\.\n$/)
    } finally {
      try {
        process.kill(-(npm.pid as number), 'SIGKILL')
      } catch {
        // already gone
      }
    }
  })
})
