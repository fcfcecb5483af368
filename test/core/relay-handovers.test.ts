/**
 * When a sent file is handed to a relay again (core/src/blob/relay-handovers.ts),
 * on a clock the test moves: at once when sent; after a failure, at the
 * relay's next sync once a short pause is over, never before; after a
 * refusal, an hour later, then six; given up after MAX_TRIES; forgotten
 * when moot; and what is owed is read back by a device started again on
 * the same ledger. test/relay/mailbox-files-retry.test.ts shows the same
 * with real daemons and a real relay.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  BlobRefusedError,
  type HandoverOutcome,
  MAX_AGE_MS,
  MemoryHandoverLedger,
  type PendingHandover,
  REFUSED_PAUSES_MS,
  RETRY_PAUSES_MS,
  RelayHandovers
} from '@causette/core'

const G = 'aa'.repeat(32)
const M = 'bb'.repeat(32)
const RELAY = '12D3KooWRelay'

/** A RelayHandovers whose attempts answer what `answer` says, on a clock the test sets. */
function handoversWith(answer: (p: PendingHandover) => number | Error, ledger = new MemoryHandoverLedger()) {
  let now = 1_000_000
  const attempts: number[] = []
  const outcomes: HandoverOutcome[] = []
  const handovers = new RelayHandovers(ledger, {
    attempt: async (p) => {
      attempts.push(now)
      const a = answer(p)
      if (a instanceof Error) throw a
      return a
    },
    onOutcome: (o) => outcomes.push(o),
    now: () => now
  })
  return {
    handovers,
    ledger,
    attempts,
    outcomes,
    advance: (ms: number) => {
      now += ms
    },
    /** Lets queued attempts finish. */
    settle: () => new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const unreachable = () => Object.assign(new Error('the relay could not be reached'), { name: 'DialError' })

describe('handing sent files to relays again', () => {
  it('hands a file over at once, and owes nothing once the relay kept it', async () => {
    const t = handoversWith(() => 13)
    await t.handovers.add(G, M, [RELAY])
    await t.settle()
    assert.deepEqual(
      t.outcomes.map((o) => [o.outcome, o.tries]),
      [['kept', 1]]
    )
    assert.deepEqual(await t.ledger.load(), [])
    await t.handovers.stop()
  })

  it('tries again at the next sync after a failure, once the pause is over, and never before', async () => {
    let up = false
    const t = handoversWith(() => (up ? 13 : unreachable()))
    await t.handovers.add(G, M, [RELAY])
    await t.settle()
    assert.equal(t.outcomes[0]?.outcome, 'waiting')
    assert.equal((await t.ledger.load()).length, 1, 'remembered durably')
    up = true
    t.handovers.retry(G, RELAY)
    await t.settle()
    assert.equal(t.attempts.length, 1, 'a sync within the pause hands nothing over')
    t.advance(RETRY_PAUSES_MS[0] as number)
    t.handovers.retry(G, RELAY)
    await t.settle()
    assert.deepEqual(
      t.outcomes.map((o) => o.outcome),
      ['waiting', 'kept']
    )
    assert.deepEqual(await t.ledger.load(), [])
    await t.handovers.stop()
  })

  it('asks a relay that refused again an hour later, then six, whatever the syncs in between', async () => {
    const t = handoversWith(() => new BlobRefusedError("this group's room is full"))
    await t.handovers.add(G, M, [RELAY])
    await t.settle()
    for (let i = 0; i < 5; i++) {
      t.advance(60_000)
      t.handovers.retry(G, RELAY)
      await t.settle()
    }
    assert.equal(t.attempts.length, 1)
    const first = t.outcomes[0] as HandoverOutcome & { nextAt: number; reason: string }
    assert.deepEqual([first.outcome, first.reason], ['refused', "this group's room is full"])
    assert.equal(first.nextAt - (t.attempts[0] as number), REFUSED_PAUSES_MS[0])
    t.advance(REFUSED_PAUSES_MS[0] as number)
    t.handovers.retry(G, RELAY)
    await t.settle()
    const second = t.outcomes[1] as HandoverOutcome & { nextAt: number }
    assert.equal(second.nextAt - (t.attempts[1] as number), REFUSED_PAUSES_MS[1])
    await t.handovers.stop()
  })

  it('gives up after MAX_TRIES failures, and says why', async () => {
    const t = handoversWith(() => unreachable())
    await t.handovers.add(G, M, [RELAY])
    await t.settle()
    for (let i = 0; i < 20 && t.outcomes.at(-1)?.outcome !== 'given-up'; i++) {
      t.advance(24 * 3_600_000)
      t.handovers.retry(G, RELAY)
      await t.settle()
    }
    const last = t.outcomes.at(-1) as HandoverOutcome & { reason: string }
    assert.deepEqual([last.outcome, last.tries, last.reason], ['given-up', 10, 'the relay could not be reached'])
    assert.deepEqual(await t.ledger.load(), [])
    await t.handovers.stop()
  })

  it('gives up what a relay has not taken within MAX_AGE_MS, when the next file is sent', async () => {
    const t = handoversWith(() => unreachable())
    await t.handovers.add(G, M, [RELAY])
    await t.settle()
    t.advance(MAX_AGE_MS + 1)
    await t.handovers.add(G, 'cc'.repeat(32), [RELAY])
    await t.settle()
    const old = t.outcomes.find((o) => o.message === M && o.outcome === 'given-up') as HandoverOutcome & { reason: string }
    assert.match(old.reason, /not kept by the relay within 30 days \(the relay could not be reached\)/)
    assert.deepEqual(
      (await t.ledger.load()).map((p) => p.message),
      ['cc'.repeat(32)]
    )
    await t.handovers.stop()
  })

  it('forgets a hand-over that became moot (the message deleted), saying nothing', async () => {
    const t = handoversWith(() => Object.assign(new Error('the message and its files are gone'), { name: 'HandoverMootError' }))
    await t.handovers.add(G, M, [RELAY])
    await t.settle()
    assert.deepEqual(t.outcomes, [])
    assert.deepEqual(await t.ledger.load(), [])
    await t.handovers.stop()
  })

  it('hands a file over even when its ledger cannot be written (a full disk)', async () => {
    const full = new MemoryHandoverLedger()
    full.save = async () => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
    }
    const t = handoversWith(() => 13, full)
    await t.handovers.add(G, M, [RELAY])
    await t.settle()
    assert.deepEqual(
      t.outcomes.map((o) => o.outcome),
      ['kept']
    )
    await t.handovers.stop()
  })

  it('reads what is owed back when started again on the same ledger', async () => {
    const ledger = new MemoryHandoverLedger()
    const first = handoversWith(() => unreachable(), ledger)
    await first.handovers.add(G, M, [RELAY, '12D3KooWOther'])
    await first.settle()
    await first.handovers.stop()
    const again = handoversWith(() => 13, ledger)
    await again.handovers.start()
    assert.deepEqual(
      again.handovers.list().map((p) => [p.message, p.relay, p.tries]),
      [
        [M, RELAY, 1],
        [M, '12D3KooWOther', 1]
      ]
    )
    again.advance(RETRY_PAUSES_MS[0] as number)
    again.handovers.retry(G, RELAY)
    await again.settle()
    assert.deepEqual(
      again.handovers.list().map((p) => p.relay),
      ['12D3KooWOther'],
      'the relay that was back has what it was owed; the other is still owed'
    )
    await again.handovers.stop()
  })
})
