/**
 * `causette start` and `causette-relay` run on Linux with glibc malloc
 * settings (node/bin/malloc-settings.js): the binary runs itself again with
 * them, as the same process, and leaves the user's own as they were.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
// @ts-expect-error: plain JavaScript beside the binary, with no types
import { daemonEnvironment } from '../../node/bin/malloc-settings.js'
import { localRelayFlags, startRelay } from '../relay/fixtures/relay-process.ts'
import { DaemonProcess, tempDir } from './fixtures/daemons.ts'

const DEFAULTS = { MALLOC_ARENA_MAX: '2' }

async function environmentOf(pid: number): Promise<Map<string, string>> {
  const text = await readFile(`/proc/${pid}/environ`, 'utf8')
  return new Map(
    text
      .split('\0')
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])
  )
}

describe('the daemon’s malloc settings', () => {
  it('are set only for `causette start` on Linux, and never over the user’s own malloc tuning', () => {
    const env = { PATH: '/usr/bin' }
    assert.deepEqual(daemonEnvironment(env, 'linux', ['--home', '/tmp/x', 'start']), { ...env, ...DEFAULTS })
    assert.equal(daemonEnvironment(env, 'darwin', ['start']), undefined, 'other systems: glibc is not their malloc')
    assert.equal(daemonEnvironment(env, 'linux', ['status']), undefined, 'other commands run as they are')
    assert.equal(daemonEnvironment({ ...env, GLIBC_TUNABLES: 'glibc.malloc.arena_max=8' }, 'linux', ['start']), undefined)
  })

  // this project's tests run on Linux (network namespaces, /proc): the daemon's environment is read from /proc
  it('are in the environment the daemon runs with, in the process that was started, and a user’s own setting stays', () =>
    withoutSettings(async (dir) => {
      const daemon = await DaemonProcess.start(join(dir, 'a'))
      try {
        // the pid spawned is the daemon's: it ran itself again in place (execve), not as a child
        const environment = await environmentOf(daemon.process.pid as number)
        for (const [key, value] of Object.entries(DEFAULTS)) assert.equal(environment.get(key), value, key)
      } finally {
        await daemon.stop()
      }
      // a setting of the user's is kept
      process.env.MALLOC_ARENA_MAX = '4'
      const own = await DaemonProcess.start(join(dir, 'b'))
      try {
        const environment = await environmentOf(own.process.pid as number)
        assert.equal(environment.get('MALLOC_ARENA_MAX'), '4')
      } finally {
        await own.stop()
      }
    }))

  it('are in the environment the relay runs with, in the process that was started', () =>
    withoutSettings(async (dir) => {
      const relay = await startRelay(localRelayFlags(dir, '--health-port', '-1'))
      try {
        const environment = await environmentOf(relay.process.pid as number)
        for (const [key, value] of Object.entries(DEFAULTS)) assert.equal(environment.get(key), value, key)
      } finally {
        await relay.stop()
      }
    }))
})

/** Runs `work` in a fresh directory with none of the settings in this process's environment (which the processes it starts inherit), then puts them back. */
async function withoutSettings(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempDir()
  const saved = Object.fromEntries(Object.keys(DEFAULTS).map((key) => [key, process.env[key]]))
  for (const key of Object.keys(DEFAULTS)) delete process.env[key]
  try {
    await work(dir.path)
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    await dir.remove()
  }
}
