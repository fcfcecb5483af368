/**
 * The crash soak: one daemon (Bob) takes messages from another (Alice) and
 * writes its own, and is killed with SIGKILL at a random moment, round after
 * round, on one data directory. Afterwards its store must pass SQLite's
 * integrity check, hold every message `send` confirmed to it, and agree
 * with Alice's. Runs in npm test (a few rounds) and as `npm run soak`.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { GroupSummary, InviteResponse, SendResponse } from '@causette/node'
import { SeededRandom } from '../fixtures/random.ts'
import { DaemonProcess, eventually, tempDir } from '../node/fixtures/daemons.ts'

export interface SoakReport {
  rounds: number
  seed: number
  /** Messages each daemon's `send` confirmed. */
  aliceConfirmed: number
  bobConfirmed: number
  /** Messages both hold at the end. */
  converged: number
  /** Kills that landed while Bob was writing (some of its messages went unconfirmed). */
  killsMidWrite: number
}

/** Bob is killed this many ms (at most) after a round starts. */
const MAX_KILL_DELAY_MS = 1500
const ALICE_PER_ROUND = 40
const BOB_PER_ROUND = 20

export async function crashSoak(rounds: number, seed = Date.now() >>> 0, log: (line: string) => void = () => {}): Promise<SoakReport> {
  const random = new SeededRandom(seed)
  const dirs = await tempDir('causette-soak-')
  const running = new Set<DaemonProcess>()
  const start = async (name: string) => {
    const daemon = await DaemonProcess.start(join(dirs.path, name))
    running.add(daemon)
    return daemon
  }
  try {
    const alice = await start('alice')
    let bob = await start('bob')
    const { group } = await alice.cliJson<{ group: GroupSummary }>(['create', 'Soak'])
    const { link } = await alice.cliJson<InviteResponse>(['invite', group.id])
    await bob.cliJson(['join', link])
    const confirmed = { alice: new Set<string>(), bob: new Set<string>() }
    let killsMidWrite = 0
    for (let round = 0; round < rounds; round++) {
      const lines = (who: string, n: number) => Array.from({ length: n }, (_, i) => `${who} round ${round} message ${i}`)
      const aliceSends = alice.follow(['--json', 'send', group.id, '-'], { input: `${lines('alice', ALICE_PER_ROUND).join('\n')}\n` })
      const bobSends = bob.follow(['--json', 'send', group.id, '-'], { input: `${lines('bob', BOB_PER_ROUND).join('\n')}\n` })
      await new Promise((resolve) => setTimeout(resolve, random.int(MAX_KILL_DELAY_MS)))
      await bob.kill('SIGKILL')
      running.delete(bob)
      await bobSends.exited
      const bobDone = bobSends.events().map((e) => (e as unknown as SendResponse).message.text)
      if (bobDone.length < BOB_PER_ROUND) killsMidWrite++
      for (const text of bobDone) confirmed.bob.add(text)
      await aliceSends.exited
      for (const e of aliceSends.events()) confirmed.alice.add((e as unknown as SendResponse).message.text)
      // the store must open cleanly after every kill
      checkIntegrity(join(bob.home, 'causette.db'))
      bob = await start('bob')
      log(`round ${round + 1}/${rounds}: Bob killed with ${bobDone.length}/${BOB_PER_ROUND} of its sends confirmed; restarted`)
    }
    // the whole history, whatever its length (history pages stop at 1,000)
    const history = async (d: DaemonProcess) => {
      const out = await d.cli(['export', group.id])
      assert.equal(out.code, 0, out.stderr)
      return out.stdout
        .trim()
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => (JSON.parse(line) as { text: string }).text)
    }
    const everything = [...confirmed.alice, ...confirmed.bob]
    let last = ''
    await eventually(
      async () => {
        const [a, b] = [new Set(await history(alice)), new Set(await history(bob))]
        last = `Alice holds ${a.size}, Bob ${b.size}; confirmed but missing on Alice ${everything.filter((t) => !a.has(t)).length}, on Bob ${everything.filter((t) => !b.has(t)).length}`
        return everything.every((t) => a.has(t) && b.has(t)) && a.size === b.size
      },
      'Alice and Bob to hold every confirmed message and the same history',
      120_000
    ).catch((err: Error) => {
      throw new Error(`${err.message} (${last})`)
    })
    const [a, b] = [await history(alice), await history(bob)]
    assert.deepEqual(b, a, 'both show the same history, in the same order')
    assert.equal(new Set(b).size, b.length, 'no message twice')
    return { rounds, seed, aliceConfirmed: confirmed.alice.size, bobConfirmed: confirmed.bob.size, converged: b.length, killsMidWrite }
  } finally {
    await Promise.all([...running].map((d) => d.kill()))
    await dirs.remove()
  }
}

function checkIntegrity(path: string): void {
  const db = new DatabaseSync(path)
  try {
    assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok')
  } finally {
    db.close()
  }
}
