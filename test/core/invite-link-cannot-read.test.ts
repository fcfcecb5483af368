/**
 * An invite link is a capability to join, never to read. Mallory collects
 * four links to a group — one expired, one single-use link someone already
 * used, one an admin revoked, one never used — and with the group secret
 * they carry drives the group's gossip topic and the sync protocol (whose
 * membership proof only needs the secret) by hand: she holds every entry the
 * members hold and decodes each, yet opens no message body, even after
 * writing joins with the dead links around her own client's checks, and
 * cannot turn the join Carol wrote with a live link into one of her own.
 * Carol, validly joined, reads all of it.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import {
  decodeEntry,
  decodeOperation,
  firstEpochKey,
  fromHex,
  inviteToken,
  MEMBERSHIP_TYPES,
  MemoryStore,
  memberKeyPair,
  nobleXChaCha,
  openBody,
  proveInvite,
  toHex
} from '@causette/core'
import { craftEntry } from '../fixtures/crafted-entry.ts'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { connect, logOf, shareGroup, startPeers, stopAll, type TestPeer, waitFor } from '../fixtures/peers.ts'

const running: TestPeer[][] = []
after(async () => {
  for (const peers of running) await stopAll(peers)
})

const texts = async (p: TestPeer, groupId: string) => (await logOf(p, groupId).view.messages()).messages.map((m) => m.text)

describe('an invite link cannot read', () => {
  it('gives a holder of expired, used, revoked and never-used links every entry but no message body, while a validly joined device reads them all', async () => {
    const peers = await startPeers(5)
    running.push(peers)
    const [alice, bob, mallory, carol, dave] = peers as [TestPeer, TestPeer, TestPeer, TestPeer, TestPeer]
    const groupId = await shareGroup([alice, bob], 'Climbing club')
    await connect(bob, alice)
    const written = ['Sunday at 10?', 'bring the long rope']
    for (const [i, text] of written.entries()) await (i % 2 === 0 ? alice : bob).peer.send(groupId, { type: 'message', text })

    // the four links
    const expired = await alice.peer.createInvite(groupId, { expires: Date.now() + 300 })
    const used = await alice.peer.createInvite(groupId, { singleUse: true })
    await dave.peer.acceptInvite(used, { timeoutMs: 10_000 })
    const revoked = await alice.peer.createInvite(groupId)
    await alice.peer.send(groupId, { type: 'revoke-invite', token: fromHex(inviteToken(revoked.inviteId)) })
    const neverUsed = await alice.peer.createInvite(groupId)
    // Carol's link: live and multi-use
    const open = await alice.peer.createInvite(groupId)
    await carol.peer.acceptInvite(open, { timeoutMs: 10_000 })
    await new Promise((resolve) => setTimeout(resolve, 400))
    for (const link of [used, revoked, neverUsed]) assert.deepEqual(link.secret, expired.secret, 'every link carries the group secret')

    // Mallory holds the secret: she follows the topic and syncs, proving "membership" with the secret
    await mallory.peer.joinGroup(expired.groupId, expired.secret, expired.groupName)
    await connect(mallory, alice)
    await mallory.peer.sync(groupId, alice.peer.peerId)
    await assert.rejects(mallory.peer.acceptInvite(expired), { name: 'ExpiredInviteError' })
    await assert.rejects(mallory.peer.acceptInvite(used, { timeoutMs: 5000 }), { name: 'InviteUsedError' })
    await assert.rejects(mallory.peer.acceptInvite(revoked, { timeoutMs: 5000 }), { name: 'InviteRevokedError', message: /revoked by an admin/ })
    // around her own client's checks: joins written by hand with each dead link, handed to Alice (as her gossip validator would take them)
    const mine = { key: mallory.key, log: logOf(mallory, groupId), store: new MemoryStore() }
    const memberKey = memberKeyPair(mallory.key).publicKey
    for (const [link, rule] of [
      [expired, /expired/],
      [used, /already used/],
      [revoked, /revoked/]
    ] as const) {
      const proof = proveInvite(link.inviteId, mallory.key.publicKey, memberKey)
      const join = await craftEntry(mine, { type: 'join', token: fromHex(inviteToken(link.inviteId)), proof, memberKey })
      const result = await logOf(alice, groupId).add([join.bytes])
      assert.match(result.rejected[0]?.error.message ?? '', rule, 'the member refuses the join')
    }
    // Carol's join is in the log Mallory synced: it names the live invite, but shows no id to reuse, and its proof is Carol's
    const carolsJoin = (await logEntries(logOf(mallory, groupId))).find(
      (e) => e.authorHex === toHex(carol.key.publicKey) && e.op?.type === 'join'
    )?.op
    assert.ok(
      carolsJoin?.type === 'join' && carolsJoin.proof !== undefined && carolsJoin.inviteId === undefined,
      'the join carries a proof, not the invite id'
    )
    const replayed = await craftEntry(mine, { type: 'join', token: carolsJoin.token, proof: carolsJoin.proof, memberKey })
    const replay = await logOf(alice, groupId).add([replayed.bytes])
    assert.match(replay.rejected[0]?.error.message ?? '', /proof of the invite link does not hold/, 'a harvested proof does not let her in')

    // the members keep talking, and Carol (validly joined) is granted the key by a member who saw her join
    for (const text of ['see you at the crag', 'I will bring coffee']) await alice.peer.send(groupId, { type: 'message', text })
    written.push('see you at the crag', 'I will bring coffee')
    await waitFor(
      async () => {
        const shown = await texts(carol, groupId)
        return written.every((t) => shown.includes(t))
      },
      'Carol to read the whole history',
      10_000
    )
    await mallory.peer.sync(groupId, alice.peer.peerId)
    await waitFor(() => logOf(mallory, groupId).size === logOf(alice, groupId).size, 'Mallory to hold every entry Alice holds')

    const stolen = logOf(mallory, groupId)
    assert.deepEqual((await stolen.view.messages()).messages, [], 'Mallory shows no message')
    assert.equal(stolen.isMember(), false)
    const firstKey = firstEpochKey(expired.secret)
    let messages = 0
    const encodings = await entryBytes(stolen)
    for (const [i, e] of (await logEntries(stolen)).entries()) {
      const entry = decodeEntry(encodings[i] as Uint8Array)
      assert.equal(toHex(entry.group), e.idHex === groupId ? '' : groupId, 'she decodes every entry')
      if (e.op !== undefined) {
        assert.ok(MEMBERSHIP_TYPES.has(e.op.type), `she reads only membership operations, not a ${e.op.type}`)
        continue
      }
      messages++
      assert.notEqual(e.epochHex, '', 'no message is sealed under the key the secret gives')
      assert.throws(() => decodeOperation(openBody(nobleXChaCha, firstKey, entry, entry.body)), { name: 'UndecryptableBodyError' })
    }
    assert.ok(messages >= written.length, `she holds the ${written.length} messages, sealed (${messages} unreadable entries)`)
    assert.deepEqual(stolen.keys.leaves(), [], 'she was granted no key')
    assert.deepEqual((await texts(carol, groupId)).sort(), [...written].sort(), 'Carol reads them all')
  })
})
