/**
 * How soon a device whose join is valid reads the group's history, with a
 * member online, over TCP on loopback: the join carries no key, so the
 * history stays sealed until a member who sees the join grants it the
 * current key, whose history holds the earlier ones (the rekey scheduler's
 * 0.1–1.5 s wait, then gossip). Target: within 2 s of the join. Solo: it
 * asserts a time.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { toHex } from '@causette/core'
import { connect, logOf, shareGroup, startPeers, stopAll, type TestPeer, waitFor } from '../fixtures/peers.ts'

const TARGET_MS = 2000
const HISTORY = 500
const NEWCOMERS = 3

const running: TestPeer[][] = []
after(async () => {
  for (const peers of running) await stopAll(peers)
})

describe('time to read after a valid join', () => {
  it(`lets each of ${NEWCOMERS} newcomers read a ${HISTORY}-message history written under two keys within ${TARGET_MS / 1000} s of its join (TCP, loopback)`, async () => {
    const peers = await startPeers(3 + NEWCOMERS, { transport: 'tcp' })
    running.push(peers)
    const [alice, bob, leaving, ...newcomers] = peers as [TestPeer, TestPeer, TestPeer, ...TestPeer[]]
    const groupId = await shareGroup([alice, bob, leaving], 'Climbing club')
    await connect(bob, alice)
    await waitFor(() => logOf(bob, groupId).members().length === 3, 'Bob to know the three members')
    for (let i = 0; i < HISTORY / 2; i++) await alice.peer.send(groupId, { type: 'message', text: `before ${i}` })
    // a removal rotates the key: the history now spans two epochs
    await alice.peer.removeMember(groupId, toHex(leaving.key.publicKey))
    for (let i = 0; i < HISTORY / 2; i++) await alice.peer.send(groupId, { type: 'message', text: `after ${i}` })
    await waitFor(() => logOf(bob, groupId).size === logOf(alice, groupId).size, 'Bob to hold the history')

    const times: number[] = []
    for (const newcomer of newcomers) {
      const invite = await alice.peer.createInvite(groupId)
      const log = await newcomer.peer.acceptInvite(invite, { timeoutMs: 10_000 })
      const joined = performance.now()
      assert.ok(log.sealedCount >= HISTORY, 'the join alone opens nothing: the history arrived sealed')
      await waitFor(
        async () => (await log.view.countMessages()) >= HISTORY && log.sealedCount === 0,
        'the newcomer to read the whole history',
        10_000
      )
      times.push(Math.round(performance.now() - joined))
    }
    console.log(`time to read ${HISTORY} messages after a valid join (ms): ${times.join(', ')}; target ${TARGET_MS}`)
    for (const t of times) assert.ok(t <= TARGET_MS, `a newcomer read the history ${t} ms after its join (target ${TARGET_MS} ms)`)
  })
})
