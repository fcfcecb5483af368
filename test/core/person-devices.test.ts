import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  certifyDevice,
  type DeviceKey,
  fromHex,
  GroupLog,
  type GroupLogInit,
  MemoryStore,
  memberKeyPair,
  requireAnotherAdmin,
  toHex,
  unreadOf
} from '@causette/core'
import { entryBytes } from '../fixtures/entry-bytes.ts'
import { freshDeviceKeys, merge, type Replica, replicas, signatures } from '../fixtures/replicas.ts'

const hex = (r: { key: DeviceKey }) => toHex(r.key.publicKey)
const texts = async (log: GroupLog) => (await log.view.messages()).messages.map((m) => m.text)

/** The person's certificate for `device`, as linking hands it over. */
async function certificateFor(person: DeviceKey, device: DeviceKey): Promise<Uint8Array> {
  return certifyDevice(person, device.publicKey, memberKeyPair(device).publicKey)
}

/** A second device of `person`'s, linked into `of`'s group by `of` (a device of that person), with the log delivered to it. */
async function linkedDevice(of: Replica, person: DeviceKey, extra: Partial<GroupLogInit> = {}): Promise<Replica> {
  const [key] = (await freshDeviceKeys(1)) as [DeviceKey]
  const certificate = await certificateFor(person, key)
  await of.log.linkDevice(key.publicKey, memberKeyPair(key).publicKey, certificate)
  // a device holding the keys brings the new one every epoch, as a member rekeys for a newcomer
  if (of.log.needsRekey()) await of.log.rekey()
  const store = new MemoryStore()
  const log = await GroupLog.open({
    groupId: of.log.id,
    secret: of.log.secret,
    key,
    store,
    signatures,
    person: { person: person.publicKey, certificate },
    ...extra
  })
  const device = { key, log, store }
  await merge(of, device)
  return device
}

describe('a person with several devices', () => {
  it('a linked device is the same member: one person in the list, the person’s role, the whole history readable, its messages accepted by others', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    await alice.log.append({ type: 'message', text: 'before the laptop' })
    await merge(alice, bob)
    const laptop = await linkedDevice(alice, alice.key)
    assert.equal(laptop.log.sealedCount, 0, 'the new device was granted every epoch')
    await merge(alice, bob)

    for (const r of [alice, bob, laptop]) {
      const people = r.log.members()
      assert.equal(people.length, 2, 'two people, not three devices')
      const a = people.find((p) => p.key === hex(alice))
      assert.deepEqual(a?.devices, [hex(alice), hex(laptop)].sort())
      assert.equal(a?.role, 'admin')
    }
    assert.deepEqual(await texts(laptop.log), ['before the laptop'], 'the history reached the new device')

    await laptop.log.append({ type: 'message', text: 'from the laptop' })
    await laptop.log.setRole(hex(bob), 'moderator')
    await merge(laptop, bob)
    await merge(laptop, alice)
    assert.deepEqual(await texts(bob.log), ['before the laptop', 'from the laptop'])
    assert.equal(bob.log.membership()?.role(hex(bob)), 'moderator', 'the laptop acts with the person’s admin role')

    // a third device, linked later, reads everything written before it, by either device
    const phone = await linkedDevice(alice, alice.key)
    assert.deepEqual(await texts(phone.log), ['before the laptop', 'from the laptop'])
    await merge(alice, bob)
    assert.deepEqual(bob.log.members().find((p) => p.key === hex(alice))?.devices, [hex(alice), hex(laptop), hex(phone)].sort())
  })

  it('unread counts are the person’s: what they wrote or read on another device is read on this one', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    const laptop = await linkedDevice(alice, alice.key)
    await merge(alice, bob)
    await bob.log.append({ type: 'message', text: 'climbing?' })
    await bob.log.append({ type: 'message', text: '@Alice rope?', mentions: [alice.key.publicKey] })
    await merge(bob, alice)
    await merge(bob, laptop)
    assert.deepEqual(await unreadOf(alice.log, hex(alice)), { unread: 2, mentions: 1 })
    assert.deepEqual(await unreadOf(laptop.log, hex(laptop)), { unread: 2, mentions: 1 }, 'a mention of Alice mentions her laptop too')
    assert.deepEqual([...laptop.log.ownKeys()].sort(), [hex(alice), hex(laptop)].sort())

    // Alice answers from the laptop: having written, she has read, on every device
    await laptop.log.append({ type: 'message', text: 'yes, I have one' })
    await merge(laptop, alice)
    await merge(laptop, bob)
    assert.deepEqual(await unreadOf(alice.log, hex(alice)), { unread: 0, mentions: 0 })
    assert.equal((await unreadOf(bob.log, hex(bob))).unread, 1, 'to Bob it is Alice’s message, unread')

    // Bob writes again; Alice reads it on the laptop (a read marker): read on her first device as well
    const more = await bob.log.append({ type: 'message', text: 'great' })
    await merge(bob, alice)
    await merge(bob, laptop)
    assert.equal((await unreadOf(alice.log, hex(alice))).unread, 1)
    await laptop.log.append({ type: 'read', upTo: fromHex(more.idHex) })
    await merge(laptop, alice)
    assert.equal((await unreadOf(alice.log, hex(alice))).unread, 0)
  })

  it('a person edits and deletes from one device what they wrote on another; another member still cannot', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    const laptop = await linkedDevice(alice, alice.key)
    await merge(alice, bob)
    const typo = await alice.log.append({ type: 'message', text: 'meet at 9' })
    const gone = await alice.log.append({ type: 'message', text: 'wrong group' })
    const fromLaptop = await laptop.log.append({ type: 'message', text: 'bring the rope' })
    await merge(alice, laptop)
    await laptop.log.append({ type: 'edit', target: fromHex(typo.idHex), text: 'meet at 10' })
    await laptop.log.append({ type: 'delete', target: fromHex(gone.idHex) })
    await alice.log.append({ type: 'edit', target: fromHex(fromLaptop.idHex), text: 'bring the ropes' })
    await merge(alice, laptop)
    await merge(laptop, bob)
    await bob.log.append({ type: 'edit', target: fromHex(typo.idHex), text: 'Bob was here' })
    await merge(bob, alice)
    await merge(bob, laptop)
    for (const r of [alice, bob, laptop]) {
      const shown = new Map((await r.log.view.messages()).messages.map((m) => [m.id, [m.text, m.edited, m.deleted, m.deletedBy]]))
      assert.deepEqual(shown.get(typo.idHex), ['meet at 10', true, false, undefined], 'edited from the laptop; Bob’s edit ignored')
      assert.deepEqual(shown.get(gone.idHex), ['', false, true, undefined], 'deleted by its author, from the laptop: not “deleted by” anyone else')
      assert.deepEqual(shown.get(fromLaptop.idHex), ['bring the ropes', true, false, undefined], 'edited on the first device')
    }
  })

  it('a reaction and a vote are the person’s: one from each device counts once, and either device takes it back', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    const laptop = await linkedDevice(alice, alice.key)
    await merge(alice, bob)
    const hello = await bob.log.append({ type: 'message', text: 'lunch?' })
    const poll = await laptop.log.append({ type: 'message', text: 'where?', poll: { options: ['here', 'there'], multiple: false } })
    await merge(bob, alice)
    await merge(bob, laptop)
    await merge(alice, laptop)
    await alice.log.append({ type: 'reaction', target: fromHex(hello.idHex), emoji: '👍', add: true })
    await laptop.log.append({ type: 'reaction', target: fromHex(hello.idHex), emoji: '👍', add: true })
    await bob.log.append({ type: 'reaction', target: fromHex(hello.idHex), emoji: '👍', add: true })
    await alice.log.append({ type: 'vote', poll: fromHex(poll.idHex), choices: [0] })
    await bob.log.append({ type: 'vote', poll: fromHex(poll.idHex), choices: [1] })
    await merge(alice, laptop)
    await laptop.log.append({ type: 'vote', poll: fromHex(poll.idHex), choices: [1] })
    // the poll was written on the laptop: Alice closes it from her first device
    await alice.log.append({ type: 'reaction', target: fromHex(poll.idHex), emoji: '🎉', add: true })
    await merge(alice, laptop)
    await laptop.log.append({ type: 'reaction', target: fromHex(poll.idHex), emoji: '🎉', add: false })
    await merge(alice, laptop)
    await alice.log.append({ type: 'close-poll', poll: fromHex(poll.idHex) })
    for (const from of [alice, bob, laptop]) for (const to of [alice, bob, laptop]) if (from !== to) await merge(from, to)
    for (const r of [alice, bob, laptop]) {
      const shown = new Map((await r.log.view.messages()).messages.map((m) => [m.id, m]))
      const thumbs = shown.get(hello.idHex)?.reactions ?? []
      assert.deepEqual(
        thumbs.map((t) => [t.emoji, [...t.authors].sort()]),
        [['👍', [hex(alice), hex(bob)].sort()]],
        'Alice’s thumbs from two devices count once'
      )
      assert.deepEqual(shown.get(poll.idHex)?.reactions, [], 'added on one device, taken back on the other')
      const tally = shown.get(poll.idHex)?.poll
      assert.deepEqual(
        tally?.options.map((o) => [...o.voters].sort()),
        [[], [hex(bob), hex(alice)].sort()],
        'Alice’s vote moved from her laptop: one vote, hers'
      )
      assert.equal(tally?.closed, true, 'closed by its author from another of her devices')
      assert.equal(tally?.closedBy, hex(alice))
    }
  })

  it('a role, a removal and a leave are the person’s: every device of theirs follows', async () => {
    const [alice, bob, carol] = (await replicas(3)) as [Replica, Replica, Replica]
    const phone = await linkedDevice(bob, bob.key)
    await merge(bob, alice)
    await alice.log.setRole(hex(phone), 'moderator')
    assert.equal(alice.log.membership()?.role(hex(bob)), 'moderator', 'naming one device sets the person’s role')
    assert.equal(alice.log.membership()?.role(hex(phone)), 'moderator')

    await phone.log.append({ type: 'message', text: 'phone before removal' })
    await merge(phone, alice)
    const removal = await alice.log.remove(hex(bob))
    assert.equal(alice.log.standing(hex(bob)), 'removed')
    assert.equal(alice.log.standing(hex(phone)), 'removed', 'the person’s other device goes with them')
    assert.deepEqual(removal.frontier.state.epochs.at(-1)?.recipients, [hex(alice), hex(carol)].sort(), 'the new key reaches neither device')
    assert.deepEqual(await texts(alice.log), ['phone before removal'], 'what the device wrote before stays')
    await alice.log.append({ type: 'message', text: 'after' })
    await merge(alice, phone)
    assert.ok(!(await texts(phone.log)).includes('after'), 'the removed person’s device reads nothing new')

    const tablet = await linkedDevice(carol, carol.key)
    await tablet.log.leave()
    await merge(tablet, alice)
    assert.equal(alice.log.standing(hex(carol)), 'left', 'a person leaves with every device')
  })

  it('refuses a device the person did not certify, and a revocation by anyone but the person’s first device', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    const [stranger] = (await freshDeviceKeys(1)) as [DeviceKey]
    const forged = await certificateFor(stranger, stranger)
    await assert.rejects(bob.log.linkDevice(stranger.publicKey, memberKeyPair(stranger).publicKey, forged), {
      name: 'NotAuthorizedError',
      message: /certificate .* is not/
    })
    assert.equal(bob.log.membership()?.members.has(toHex(stranger.publicKey)), false)
    const bobsOwn = await certificateFor(bob.key, stranger)
    await assert.rejects(alice.log.linkDevice(stranger.publicKey, memberKeyPair(stranger).publicKey, bobsOwn), /not .*'s, whose device links it/)

    const laptop = await linkedDevice(alice, alice.key)
    await merge(alice, bob)
    await assert.rejects(laptop.log.revokeDevice(hex(alice)), /only a person's first device/)
    await assert.rejects(bob.log.revokeDevice(hex(laptop)), /is not a device of/)
  })

  it('a revoked device reads nothing written after, its later entries are refused, and it cannot be linked again', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    const laptop = await linkedDevice(alice, alice.key)
    await merge(alice, bob)
    await laptop.log.append({ type: 'message', text: 'laptop, still mine' })
    await merge(laptop, alice)
    const revocation = await alice.log.revokeDevice(hex(laptop))
    assert.deepEqual(revocation.frontier.state.epochs.at(-1)?.recipients, [hex(alice), hex(bob)].sort())
    const made = revocation.frontier.state.epochs.at(-1)?.id as string
    assert.ok(alice.log.keys.has(made), 'the revoking device holds the key it made')
    const after = await alice.log.append({ type: 'message', text: 'after the revocation' })
    assert.equal(after.epochHex, made, 'and writes under it')
    await merge(alice, bob)
    assert.equal(bob.log.standing(hex(laptop)), 'removed')
    assert.deepEqual(await texts(bob.log), ['laptop, still mine', 'after the revocation'])

    await merge(alice, laptop)
    assert.ok(!(await texts(laptop.log)).includes('after the revocation'), 'the revoked device cannot read it')
    await assert.rejects(laptop.log.append({ type: 'message', text: 'still here?' }), { name: 'NotMemberError' })

    const again = await certificateFor(alice.key, laptop.key)
    await assert.rejects(alice.log.linkDevice(laptop.key.publicKey, memberKeyPair(laptop.key).publicKey, again), /cannot be linked again/)
    assert.deepEqual(bob.log.members().find((p) => p.key === hex(alice))?.devices, [hex(alice)], 'the person is back to one device')
  })

  it('a linked device joins a new group as its person, and brings the person’s first device in; the last-admin rule counts people', async () => {
    const [carol] = (await replicas(1)) as [Replica]
    const [aliceKey, laptopKey] = (await freshDeviceKeys(2)) as [DeviceKey, DeviceKey]
    const alice = { key: aliceKey }
    const certificate = await certificateFor(alice.key, laptopKey)
    // Carol's group, which Alice's laptop joins by an invite
    const inviteId = await carol.log.invite()
    const laptop: Replica = {
      key: laptopKey,
      store: new MemoryStore(),
      log: await GroupLog.open({
        groupId: carol.log.id,
        secret: carol.log.secret,
        key: laptopKey,
        store: new MemoryStore(),
        signatures,
        person: { person: alice.key.publicKey, certificate }
      })
    }
    await laptop.log.add(await entryBytes(carol.log))
    await laptop.log.join(inviteId)
    await merge(laptop, carol)
    assert.deepEqual(
      carol.log.members().map((p) => [p.key, p.devices]),
      [
        [hex(alice), [hex(laptop)]],
        [hex(carol), [hex(carol)]]
      ].sort(),
      'Carol sees Alice (by her person key) on her laptop'
    )
    // the laptop links Alice's first device, certified by Alice herself
    await laptop.log.linkDevice(alice.key.publicKey, memberKeyPair(alice.key).publicKey, await certificateFor(alice.key, alice.key))
    await merge(laptop, carol)
    assert.deepEqual(carol.log.members().find((p) => p.key === hex(alice))?.devices, [hex(alice), hex(laptop)].sort())

    // Carol's own group: she is its only admin, with a second device, and Alice is a member
    const tablet = await linkedDevice(carol, carol.key)
    await merge(carol, tablet)
    assert.throws(
      () => requireAnotherAdmin(carol.log.membership(), hex(carol), 'leave'),
      { name: 'LastAdminError' },
      'her other device is no other admin'
    )
  })
})
