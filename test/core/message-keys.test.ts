/**
 * Which key seals a message: never the group's first epoch key, which
 * derives from the group secret every invite link carries, but a key
 * granted to the members of the moment (docs/keys-and-invites.md).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type GroupLog, toHex } from '@causette/core'
import { craftEntry } from '../fixtures/crafted-entry.ts'
import { logEntries } from '../fixtures/entry-bytes.ts'
import { freshDeviceKeys, merge, openReplica, type Replica, replicas } from '../fixtures/replicas.ts'

const texts = async (log: GroupLog) => (await log.view.messages()).messages.map((m) => m.text)

async function outsider(of: Replica): Promise<Replica> {
  const [key] = await freshDeviceKeys(1)
  const r = await openReplica(of.log, key as never)
  await merge(of, r)
  return r
}

describe('message keys', () => {
  it("writes a group's first message under a key granted to its members, which a holder of the secret alone cannot open", async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const sent = await a.log.append({ type: 'message', text: 'Sunday at 10?' })
    assert.notEqual(sent.epochHex, '', 'not under the first epoch')
    const rekey = (await logEntries(a.log)).find((e) => e.op?.type === 'rekey')
    assert.equal(rekey?.idHex.slice(0, 32), sent.epochHex, 'the append made the epoch first, granted to the members')
    await merge(a, b)
    assert.deepEqual(await texts(b.log), ['Sunday at 10?'])
    const eve = await outsider(a)
    assert.equal(eve.log.size, a.log.size, 'the secret holder admits every entry')
    assert.deepEqual(await texts(eve.log), [])
    assert.equal(eve.log.get(sent.idHex)?.sealed, true)
  })

  it('keeps a group made by an older version working: its first-epoch messages stay readable to secret holders, new ones go under a granted key', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    // what an older version wrote: messages sealed under the key the secret gives
    const old = await craftEntry(a, { type: 'message', text: 'written by an old version' })
    await a.log.add([old.bytes])
    const sent = await a.log.append({ type: 'message', text: 'written now' })
    assert.notEqual(sent.epochHex, '')
    await merge(a, b)
    assert.deepEqual(await texts(b.log), ['written by an old version', 'written now'])
    const eve = await outsider(a)
    assert.deepEqual(await texts(eve.log), ['written by an old version'], 'a secret holder reads what the old version wrote, and nothing since')
  })

  it('never writes under a key granted to a device whose join turned out void', async () => {
    const [a] = (await replicas(1)) as [Replica]
    const inviteId = await a.log.invite({ singleUse: true })
    const [kx, ky] = await freshDeviceKeys(2)
    const x = await openReplica(a.log, kx as never)
    const y = await openReplica(a.log, ky as never)
    await merge(a, x)
    await merge(a, y)
    // both use the single-use invite, unaware of each other; each writes (making a key granted to itself)
    for (const r of [x, y]) {
      await r.log.join(inviteId)
      await r.log.append({ type: 'message', text: `${toHex(r.key.publicKey).slice(0, 4)} is in` })
    }
    await merge(x, a)
    await merge(y, a)
    const [winner, loser] = a.log.membership()?.members.has(toHex(x.key.publicKey)) ? [x, y] : [y, x]
    const loserHex = toHex(loser.key.publicKey)
    assert.equal(a.log.membership()?.members.has(loserHex), false, 'one join holds, the other is void')
    const epoch = a.log.membership()?.writingEpoch()
    assert.ok(
      epoch === undefined || epoch.recipients?.includes(loserHex) !== true,
      'the key the void joiner made for itself is not one to write under'
    )
    const after = await a.log.append({ type: 'message', text: 'for members only' })
    await merge(a, loser)
    await merge(a, winner)
    assert.ok(!(await texts(loser.log)).includes('for members only'), 'the device whose join was void cannot read what comes after')
    assert.equal(loser.log.get(after.idHex)?.sealed, true)
    assert.ok((await texts(winner.log)).includes('for members only'))
  })
})
