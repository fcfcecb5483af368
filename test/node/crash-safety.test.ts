/**
 * What `send` confirms survives the daemon being killed with SIGKILL at any
 * moment, round after round on one data directory, and the store opens
 * cleanly every time.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary, HistoryResponse, SendResponse } from '@causette/node'
import { SeededRandom } from '../fixtures/random.ts'
import { DaemonProcess, type TempDir, tempDir } from './fixtures/daemons.ts'

const ROUNDS = 20
/** Each round feeds more lines than it lets through before the kill. */
const LINES_PER_ROUND = 200

describe('crash safety', () => {
  let dirs: TempDir
  let daemon: DaemonProcess | undefined

  before(async () => {
    dirs = await tempDir()
  })

  after(async () => {
    await daemon?.kill()
    await dirs?.remove()
  })

  it(`keeps every confirmed message through ${ROUNDS} rounds of send then kill -9 and restart`, async (t) => {
    const random = new SeededRandom(Date.now() >>> 0)
    t.diagnostic(`seed ${random.seed}`)
    const home = join(dirs.path, 'home')
    const confirmed: string[] = []
    let groupId = ''
    for (let round = 0; round < ROUNDS; round++) {
      daemon = await DaemonProcess.start(home)
      if (round === 0) groupId = (await daemon.cliJson<{ group: GroupSummary }>(['create', 'Crash test'])).group.id
      const before = await daemon.cliJson<HistoryResponse>(['history', groupId, '--limit', '1000'])
      const texts = new Set(before.messages.map((m) => m.text))
      assert.deepEqual(
        confirmed.filter((text) => !texts.has(text)),
        [],
        `round ${round}: every message confirmed before the last kill is there`
      )

      const lines = Array.from({ length: LINES_PER_ROUND }, (_, i) => `round ${round} message ${i}`)
      const send = daemon.follow(['send', groupId, '-'], { input: `${lines.join('\n')}\n` })
      await send.waitForCount(1 + random.int(20), `round ${round}: some confirmations`)
      if (random.chance(0.5)) await new Promise((resolve) => setTimeout(resolve, random.int(10)))
      await daemon.kill('SIGKILL')
      await send.exited
      confirmed.push(...send.events().map((e) => (e as unknown as SendResponse).message.text))
      assert.equal(daemon.process.signalCode, 'SIGKILL', `round ${round}: the daemon was killed, not stopped`)
    }

    daemon = await DaemonProcess.start(home)
    const history = await daemon.cliJson<HistoryResponse>(['history', groupId, '--limit', '1000'])
    const texts = history.messages.map((m) => m.text)
    assert.deepEqual(
      confirmed.filter((text) => !texts.includes(text)),
      [],
      'every confirmed message is there'
    )
    assert.equal(new Set(texts).size, texts.length, 'none twice')
    assert.ok(texts.length - confirmed.length <= ROUNDS, 'beyond them, at most the one in flight at each kill')
    await daemon.stop()
    const db = new DatabaseSync(join(home, 'causette.db'))
    try {
      assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok')
    } finally {
      db.close()
    }
    t.diagnostic(`${confirmed.length} confirmed messages kept; ${texts.length - confirmed.length} kills landed between a commit and its confirmation`)
  })
})
