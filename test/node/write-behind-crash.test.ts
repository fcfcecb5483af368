/**
 * The Store's durability rule (core/src/store/store.ts) on the SQLite
 * store, across SIGKILL: a member takes in another member's messages,
 * written behind, and writes its own, fsynced (the child process of
 * fixtures/receive-until-killed.ts, killed at a random moment). After each
 * kill the file must hold every own message acknowledged, with every batch
 * added before it; batches written behind may be lost, but only whole and
 * only at the end (never one without those before it); and the view never
 * lags the log: every message entry held has its message row.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { fromHex } from '@causette/core'
import { SqliteStore } from '@causette/node'
import { SeededRandom } from '../fixtures/random.ts'
import { ChildRun } from './fixtures/child-run.ts'

const RECEIVE_UNTIL_KILLED = fileURLToPath(new URL('./fixtures/receive-until-killed.ts', import.meta.url))
const ROUNDS = 6

type Step = { kind: 'batch'; size: number; last: string } | { kind: 'own'; id?: string }

/** What the child printed: the group's size when ready, then its steps in order. */
function stepsOf(lines: string[]): { group: Uint8Array; entries: number; messages: number; steps: Step[] } {
  const [ready, ...rest] = lines
  const [, group, entries, messages] = (ready as string).split(' ')
  const steps: Step[] = []
  for (const line of rest) {
    const [word, a, b] = line.split(' ')
    if (word === 'batch') steps.push({ kind: 'batch', size: Number(a), last: b as string })
    else if (word === 'own-next') steps.push({ kind: 'own' })
    else if (word === 'own') (steps.at(-1) as { id?: string }).id = a as string
  }
  return { group: fromHex(group as string), entries: Number(entries), messages: Number(messages), steps }
}

describe('write-behind across SIGKILL', () => {
  it('keeps every own message with all before it, loses only whole batches at the end, and keeps the view with the log', async (t) => {
    const random = new SeededRandom(Date.now() >>> 0)
    t.diagnostic(`seed ${random.seed}`)
    let lostSome = 0
    for (let round = 0; round < ROUNDS; round++) {
      const dir = await mkdtemp(join(tmpdir(), 'causette-behind-'))
      const path = join(dir, 'causette.db')
      try {
        const child = new ChildRun(RECEIVE_UNTIL_KILLED, [path, String(random.int(1_000_000))])
        try {
          await child.untilLines(2 + random.int(30), 60_000)
          await new Promise((resolve) => setTimeout(resolve, random.int(10)))
        } finally {
          await child.kill()
        }
        const { group, entries, messages, steps } = stepsOf(child.lines())
        const store = await SqliteStore.open(path)
        try {
          const held = await store.hasEntries(
            group,
            steps.map((s) => fromHex(s.kind === 'batch' ? s.last : (s.id ?? '00'.repeat(32))))
          )
          // an own message acknowledged is held, and so is everything added before it
          const lastOwn = steps.findLastIndex((s) => s.kind === 'own' && s.id !== undefined)
          for (let i = 0; i <= lastOwn; i++)
            assert.ok(held[i] || (steps[i] as Step).kind === 'own', `round ${round}: step ${i} before an acknowledged own message is held`)
          // batches written behind: a prefix of them, never one without those before it
          const batches = steps.map((s, i) => ({ s, held: held[i] as boolean })).filter(({ s }) => s.kind === 'batch')
          const firstLost = batches.findIndex((b) => !b.held)
          if (firstLost >= 0)
            assert.ok(
              batches.slice(firstLost).every((b) => !b.held),
              `round ${round}: a batch is held after a lost one`
            )
          if (firstLost >= 0 && firstLost < batches.length - 1) lostSome++
          // whole batches only: the count is what the held steps add up to (an own append cut short may be in or out)
          const fromSteps = steps.reduce((n, s, i) => n + (held[i] ? (s.kind === 'batch' ? s.size : 1) : 0), 0)
          const inFlightOwn = steps.at(-1)?.kind === 'own' && (steps.at(-1) as { id?: string }).id === undefined ? 1 : 0
          const count = await store.countEntries(group)
          assert.ok(
            count === entries + fromSteps || count === entries + fromSteps + inFlightOwn,
            `round ${round}: ${count} entries held, ${entries + fromSteps} from whole steps`
          )
          // the view never lags the log: every message entry held has its row (all entries after ready are messages)
          assert.equal(await store.countMessageRows(group, []), messages + (count - entries), `round ${round}: a message row for each message held`)
        } finally {
          await store.close()
        }
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }
    t.diagnostic(`rounds where batches written behind were lost: ${lostSome} of ${ROUNDS}`)
  })
})
