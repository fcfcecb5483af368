import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { epochIdOf, type GroupLog, type LogEntry, toHex } from '@causette/core'
import { entryBytes } from '../fixtures/entry-bytes.ts'
import { merge, type Replica, replicas } from '../fixtures/replicas.ts'

const hex = (r: Replica) => toHex(r.key.publicKey)
const texts = async (log: GroupLog) => (await log.view.messages()).messages.map((m) => m.text)

/**
 * The route the simulation found (seeds 1475 and 426): C, who has not seen D
 * join, rekeys (epoch E, granted to A and C only); D departs concurrently; A
 * sees the departure, then E, which sorts after it. E looks safe to A — D was
 * never granted it — but C, having meanwhile seen D's join and still not its
 * departure, rekeys again for A, C and D, and that rekey's key history
 * carries E. So whoever had seen the departure must not write under E.
 */
async function concurrentRekeyAndDeparture(how: 'removed' | 'left') {
  const [a, c, d] = (await replicas(3)) as [Replica, Replica, Replica]
  assert.equal(c.log.membership()?.members.has(hex(d)), false, 'C has not seen D join')
  for (let i = 0; i < 4; i++) await c.log.append({ type: 'message', text: `C ${i}` })
  const e = await c.log.rekey()
  assert.deepEqual(e.frontier.state.epochs.at(-1)?.recipients, [hex(a), hex(c)].sort(), 'E is granted to A and C only')
  const upToE = await entryBytes(c.log)
  // C sees D's join (not yet its departure) and rekeys for everyone it knows: the history carries E
  await merge(d, c)
  const k = await c.log.rekey()
  assert.ok(k.frontier.state.epochs.at(-1)?.recipients?.includes(hex(d)), 'the later rekey is granted to D')
  assert.ok(k.frontier.state.epochs.at(-1)?.covers.includes(epochIdOf(e)), 'and its history carries E')

  let departure: LogEntry
  if (how === 'removed') departure = await a.log.remove(hex(d))
  else {
    departure = await d.log.leave()
    await merge(d, a)
  }
  assert.ok(e.clock > departure.clock, 'E sorts after the departure')
  await a.log.add(upToE)
  assert.equal(a.log.standing(hex(d)), how)
  const after = await a.log.append({ type: 'message', text: 'after the departure' })
  assert.notEqual(after.epochHex, epochIdOf(e), 'A does not write under E, made without the departure in its past')

  // everyone gets everything, D too
  await merge(c, a)
  await merge(a, c)
  await merge(a, d)
  assert.ok(d.log.keys.has(epochIdOf(e)), 'D did get E, through the later rekey’s history')
  assert.ok(!(await texts(d.log)).includes('after the departure'), 'but not what A wrote after seeing the departure')
  assert.ok(d.log.get(after.idHex)?.sealed, 'it holds that entry sealed')
  assert.equal(d.log.keys.has(after.epochHex), false)
  // the remaining members read everything and agree on the epoch
  for (const r of [a, c]) assert.ok((await texts(r.log)).includes('after the departure'), 'remaining members read it')
  assert.equal(a.log.membership()?.writingEpoch()?.id, c.log.membership()?.writingEpoch()?.id)
  assert.deepEqual(await a.log.view.snapshot(), await c.log.view.snapshot())
  const next = await c.log.append({ type: 'message', text: 'later still' })
  await merge(c, a)
  await merge(c, d)
  assert.ok((await texts(a.log)).includes('later still'))
  assert.ok(!(await texts(d.log)).includes('later still'), 'nor what comes after')
  assert.equal(d.log.keys.has(next.epochHex), false)
}

describe('membership: departures and concurrent rekeys', () => {
  it('a removed device cannot read what is written after its removal was known, though a concurrent rekey hands it an epoch made alongside the removal (seed 1475)', async () => {
    await concurrentRekeyAndDeparture('removed')
  })

  it('a device that left cannot read what is written after its leave was known, though a concurrent rekey hands it an epoch made alongside the leave (seed 426)', async () => {
    await concurrentRekeyAndDeparture('left')
  })
})
