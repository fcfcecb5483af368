import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntry, type GroupLog, grantEpochKey, memberKeyPair, newEpochKey, sealHistory, toHex } from '@causette/core'
import { craftEntry } from '../fixtures/crafted-entry.ts'
import { entryBytes } from '../fixtures/entry-bytes.ts'
import { joinReplica, merge, openReplica, type Replica, replicas, signatures } from '../fixtures/replicas.ts'

const hex = (r: Replica) => toHex(r.key.publicKey)
const texts = async (log: GroupLog) => (await log.view.messages()).messages.map((m) => m.text)

describe('membership', () => {
  it('makes the creator an admin and joiners members', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    assert.deepEqual(
      a.log.members().map((m) => [m.key, m.role]),
      [
        [hex(a), 'admin'],
        [hex(b), 'member']
      ].sort()
    )
  })

  it('rejects entries from a device that never joined, even one holding the secret', async () => {
    const [a] = (await replicas(1)) as [Replica]
    const [, , stranger] = (await replicas(3)) as [Replica, Replica, Replica]
    const outsider = await openReplica(a.log, stranger.key)
    await merge(a, outsider)
    await assert.rejects(outsider.log.append({ type: 'message', text: 'let me in' }), { name: 'NotMemberError', message: /not a member/ })
    const forged = await craftEntry(outsider, { type: 'message', text: 'let me in' })
    const result = await a.log.add([forged.bytes])
    assert.equal(result.rejected[0]?.error.name, 'NotMemberError')
    assert.match(result.rejected[0]?.error.message ?? '', /not a member/)
  })

  it('keeps a removed member out: later messages are unreadable to it, and its later writes are rejected everywhere', async () => {
    const [a, b, m] = (await replicas(3)) as [Replica, Replica, Replica]
    await merge(a, b)
    await merge(a, m)
    await m.log.append({ type: 'message', text: 'before my removal' })
    await merge(m, a)
    await a.log.remove(hex(m))
    await a.log.append({ type: 'message', text: 'after the removal' })
    await merge(a, b)
    assert.deepEqual(await texts(b.log), ['before my removal', 'after the removal'], 'the remaining members read on')
    // M keeps its whole store and keys, and even receives everything
    await merge(a, m)
    assert.ok(!(await texts(m.log)).includes('after the removal'), 'M cannot read what was written after its removal')
    assert.equal(m.log.sealedCount, 1, 'it holds the entry, sealed under a key it never got')
    assert.equal(m.log.isMember(), false)
    // M's own client refuses; a modified one is refused by every other peer
    await assert.rejects(m.log.append({ type: 'message', text: 'still here' }), { name: 'NotMemberError', message: /removed/ })
    const forged = await craftEntry(m, { type: 'message', text: 'still here' })
    for (const peer of [a, b]) {
      const result = await peer.log.add([forged.bytes])
      assert.equal(result.rejected[0]?.error.name, 'NotMemberError', 'rejected')
      assert.match(result.rejected[0]?.error.message ?? '', /was removed/)
    }
  })

  it('hides what a removed member wrote without having seen its removal, on every peer', async () => {
    const [a, b, m] = (await replicas(3)) as [Replica, Replica, Replica]
    await merge(a, b)
    await merge(a, m)
    await merge(m, a)
    await a.log.remove(hex(m))
    // M, cut off, never sees the removal and writes on
    await m.log.append({ type: 'message', text: 'written after removal, unseen' })
    await merge(m, a)
    await merge(m, b)
    await merge(a, b)
    for (const peer of [a, b]) assert.ok(!(await texts(peer.log)).includes('written after removal, unseen'))
    assert.deepEqual(await a.log.view.snapshot(), await b.log.view.snapshot())
  })

  it('refuses removals and role changes by a member who is not an admin, even crafted by hand', async () => {
    const [a, b, c] = (await replicas(3)) as [Replica, Replica, Replica]
    await merge(a, b)
    await merge(a, c)
    await assert.rejects(b.log.remove(hex(c)), { name: 'AdminOnlyError', message: /only admins may remove/ })
    await assert.rejects(b.log.setRole(hex(b), 'admin'), { name: 'AdminOnlyError', message: /only admins may change roles/ })
    const state = b.log.membership()
    assert.ok(state !== undefined)
    const recipients = state.memberKeys().filter((k) => k !== hex(c))
    const epochKey = newEpochKey()
    const grant = grantEpochKey(
      epochKey,
      recipients.map((k) => state.members.get(k)?.memberKey as Uint8Array),
      b.log.id
    )
    const removal = await craftEntry(b, {
      type: 'remove',
      member: c.key.publicKey,
      seenSeq: 0,
      grant,
      history: sealHistory(epochKey, []),
      covers: []
    })
    const promotion = await craftEntry(b, { type: 'role', member: b.key.publicKey, role: 'admin' })
    for (const forged of [removal, promotion]) {
      const result = await a.log.add([forged.bytes])
      assert.equal(result.rejected[0]?.error.name, 'AdminOnlyError')
    }
    assert.deepEqual(
      a.log
        .members()
        .map((m) => m.role)
        .sort(),
      ['admin', 'member', 'member']
    )
  })

  it('lets an admin promote a member, who may then remove others', async () => {
    const [a, b, c] = (await replicas(3)) as [Replica, Replica, Replica]
    await merge(a, b)
    await merge(a, c)
    await a.log.setRole(hex(b), 'admin')
    await merge(a, b)
    await b.log.remove(hex(c))
    await merge(b, a)
    assert.deepEqual(
      a.log.members().map((m) => m.key),
      [hex(a), hex(b)].sort()
    )
  })

  it('lets moderators and admins delete anyone’s message, and members only their own', async () => {
    const [a, b, c] = (await replicas(3)) as [Replica, Replica, Replica]
    await merge(a, b)
    await merge(a, c)
    const spam = await c.log.append({ type: 'message', text: 'buy my stuff' })
    const fine = await c.log.append({ type: 'message', text: 'hello all' })
    await merge(c, a)
    await merge(c, b)
    await b.log.append({ type: 'delete', target: fine.id })
    await merge(b, a)
    assert.equal((await a.log.view.message(fine.idHex))?.deleted, false, 'a member cannot delete another’s message')
    await a.log.setRole(hex(b), 'moderator')
    await merge(a, b)
    await b.log.append({ type: 'delete', target: spam.id })
    await merge(b, a)
    assert.equal((await a.log.view.message(spam.idHex))?.deleted, true, 'a moderator can')
  })

  it('gives a newcomer after a key rotation the new key and the history, so it reads everything', async () => {
    const [a, b, m] = (await replicas(3)) as [Replica, Replica, Replica]
    await merge(a, b)
    await merge(a, m)
    await merge(m, a)
    await a.log.append({ type: 'message', text: 'epoch one' })
    await a.log.remove(hex(m))
    await a.log.append({ type: 'message', text: 'epoch two' })
    const [, , , late] = (await replicas(4)) as [Replica, Replica, Replica, Replica]
    const newcomer = await openReplica(a.log, late.key)
    await joinReplica(a, newcomer)
    assert.ok(!(await texts(newcomer.log)).includes('epoch two'), 'before a rekey the newcomer holds no current key')
    assert.equal(newcomer.log.canWrite(), false)
    assert.equal(a.log.needsRekey(), true, 'a member notices the newcomer lacks the key')
    await a.log.rekey()
    await merge(a, newcomer)
    assert.deepEqual(await texts(newcomer.log), ['epoch one', 'epoch two'])
    assert.equal(newcomer.log.canWrite(), true)
    assert.equal(newcomer.log.sealedCount, 0)
  })

  it('uses each single-use invite once: a second join with it is refused', async () => {
    const [a, b, c] = (await replicas(3)) as [Replica, Replica, Replica]
    const one = await openReplica(a.log, b.key)
    const two = await openReplica(a.log, c.key)
    // fresh devices for b and c are not members of this second group
    const group = await (await import('@causette/core')).GroupLog.create({ name: 'Private', key: a.key, store: a.store, signatures })
    const admin = { ...a, log: group }
    const first = await openReplica(group, one.key)
    const second = await openReplica(group, two.key)
    const inviteId = await group.invite({ singleUse: true })
    await merge(admin, first)
    await merge(admin, second)
    await first.log.join(inviteId)
    await merge(first, admin)
    await merge(admin, second)
    assert.equal(second.log.inviteUsable(inviteId), 'used')
    await assert.rejects(second.log.join(inviteId), { name: 'InviteUsedError', message: /single-use invite was already used/ })
  })

  it('refuses a join whose invite expired before it was written', async () => {
    let now = 1_000_000
    const [a, b] = (await replicas(2, { now: () => now })) as [Replica, Replica]
    const [, , , , late] = (await replicas(5)) as Replica[]
    const joiner = await openReplica(a.log, (late as Replica).key, () => now)
    const inviteId = await a.log.invite({ expires: now + 60_000 })
    await merge(a, joiner)
    now += 120_000
    await assert.rejects(joiner.log.join(inviteId), { name: 'ExpiredInviteError', message: /expired/ })
    void b
  })

  it('tells where each device stands, and lets a removed one back only with an invite made after its removal', async () => {
    const [a, b, m] = (await replicas(3)) as [Replica, Replica, Replica]
    await merge(a, b)
    await merge(a, m)
    const [, , , stranger] = (await replicas(4)) as Replica[]
    await a.log.remove(hex(m))
    await b.log.leave()
    await merge(b, a)
    assert.deepEqual(
      [a.log.standing(hex(a)), a.log.standing(hex(b)), a.log.standing(hex(m)), a.log.standing(hex(stranger as Replica))],
      ['member', 'left', 'removed', 'not joined']
    )
    assert.equal(a.log.membership()?.mayRejoin(hex(m)), false, 'old invites do not bring a removed member back')
    await a.log.invite()
    assert.equal(a.log.membership()?.mayRejoin(hex(m)), true, 'a new invite may')
  })

  it('keeps the display name of a blocked member, though not their messages', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await b.log.append({ type: 'profile', displayName: 'Bea' })
    await b.log.append({ type: 'message', text: 'hi' })
    await merge(b, a)
    await a.log.setBlocked([hex(b)])
    assert.deepEqual(await texts(a.log), [])
    assert.equal(a.log.members().find((m) => m.key === hex(b))?.displayName, 'Bea')
  })

  it('shows display names members choose', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await b.log.append({ type: 'profile', displayName: 'Bea' })
    await b.log.append({ type: 'profile', displayName: 'Béatrice' })
    await merge(b, a)
    assert.equal(a.log.members().find((m) => m.key === hex(b))?.displayName, 'Béatrice')
  })

  it('hides blocked members locally, without touching the log', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await b.log.append({ type: 'message', text: 'annoying' })
    await merge(b, a)
    const size = a.log.size
    await a.log.setBlocked([hex(b)])
    assert.deepEqual(await texts(a.log), [])
    assert.equal(a.log.size, size)
    await a.log.setBlocked([])
    assert.deepEqual(await texts(a.log), ['annoying'])
  })

  it('derives a device’s X25519 key from its device key, the same every time', async () => {
    const [a] = (await replicas(1)) as [Replica]
    assert.deepEqual(memberKeyPair(a.key).publicKey, memberKeyPair(a.key).publicKey)
    assert.equal(decodeEntry((await entryBytes(a.log))[0] as Uint8Array).author.byteLength, 32)
  })
})
