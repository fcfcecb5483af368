import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { type GroupLog, parseDeviceLink, toHex } from '@causette/core'
import { connect, startPeers, type TestPeer } from '../fixtures/peers.ts'

const texts = async (log: GroupLog) => (await log.view.messages()).messages.map((m) => m.text)

/** Waits (bounded) until `check` holds, re-checking every 50 ms. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  assert.fail(`timed out waiting until ${what}`)
}

describe('linking a new device over the network', () => {
  const started: TestPeer[] = []
  after(async () => {
    for (const p of started) await p.peer.stop()
  })
  /** Peers over TCP, stopped after the tests. */
  const peers = async (n: number): Promise<TestPeer[]> => {
    const made = await startPeers(n, { transport: 'tcp' })
    started.push(...made)
    return made
  }

  it('the codes agree, the person confirms, and the new device becomes the same member of every group with its history', async () => {
    const [a, b, l] = (await peers(3)) as [TestPeer, TestPeer, TestPeer]
    const group = await a.peer.createGroup('Climbing')
    const invite = await a.peer.createInvite(group.idHex)
    await connect(b, a)
    const joined = await b.peer.acceptInvite(invite)
    await a.peer.send(group.idHex, { type: 'message', text: 'Sunday at 10?' })
    await eventually(async () => (await texts(joined)).includes('Sunday at 10?'), 'Bob reads Alice')

    const offer = a.peer.devices.offer({ addresses: a.peer.multiaddrs() })
    let shown = ''
    const accepting = l.peer.devices.accept(offer.text, { name: 'laptop', onCode: (code) => (shown = code) })
    const arrived = await offer.arrived
    assert.match(arrived.code, /^\d{3} \d{3}$/)
    assert.equal(arrived.code, shown, 'both devices show the same code')
    assert.equal(arrived.name, 'laptop')
    const linked = await offer.confirm()
    assert.equal(linked.groups, 1)
    const result = await accepting
    assert.equal(result.person, toHex(a.key.publicKey))

    const laptopLog = l.peer.group(group.idHex)
    await eventually(() => laptopLog.isMember(), 'the laptop is a member')
    await eventually(async () => (await texts(laptopLog)).includes('Sunday at 10?'), 'the laptop reads the history', 15_000)
    await l.peer.send(group.idHex, { type: 'message', text: 'from my laptop' })
    await eventually(async () => (await texts(joined)).includes('from my laptop'), 'Bob receives what the laptop wrote', 15_000)
    const alicePerson = joined.members().find((m) => m.key === toHex(a.key.publicKey))
    assert.deepEqual(alicePerson?.devices, [toHex(a.key.publicKey), toHex(l.key.publicKey)].sort(), 'Bob sees one Alice with two devices')
    assert.deepEqual(
      a.peer.devices.list().map((d) => d.device),
      [toHex(a.key.publicKey), toHex(l.key.publicKey)].sort()
    )

    // blocking Alice, by her person key, hides what either of her devices wrote
    await b.peer.setBlocked([toHex(a.key.publicKey)])
    await eventually(async () => (await texts(joined)).length === 0, 'Bob no longer sees Alice’s messages, from either device')
    await b.peer.setBlocked([])
    await eventually(async () => (await texts(joined)).includes('from my laptop'), 'unblocked, they show again')
    await connect(b, a)

    // the link was single-use
    const [other] = (await peers(1)) as [TestPeer]
    await assert.rejects(other.peer.devices.accept(offer.text, { name: 'thief', onCode: () => undefined }), {
      name: 'DeviceLinkRefusedError',
      message: /expired or was already used/
    })

    // revoking the laptop: it reads nothing written afterwards, and its writes are refused
    assert.equal(await a.peer.devices.revoke(toHex(l.key.publicKey)), 1)
    await a.peer.send(group.idHex, { type: 'message', text: 'after the laptop was revoked' })
    await eventually(async () => (await texts(joined)).includes('after the laptop was revoked'), 'Bob reads it')
    await eventually(() => laptopLog.standing() === 'removed', 'the laptop learns it was revoked')
    assert.ok(!(await texts(laptopLog)).includes('after the laptop was revoked'), 'the revoked laptop cannot read it')
    await assert.rejects(l.peer.send(group.idHex, { type: 'message', text: 'still here' }), { name: 'NotMemberError' })
  })

  it('groups made or joined after the link follow the person to every device, and a revocation reaches them all', async () => {
    const [a, l, c] = (await peers(3)) as [TestPeer, TestPeer, TestPeer]
    await a.peer.createGroup('Family')
    const offer = a.peer.devices.offer({ addresses: a.peer.multiaddrs() })
    const accepting = l.peer.devices.accept(offer.text, { name: 'laptop', onCode: () => undefined })
    await offer.arrived
    assert.equal((await offer.confirm()).groups, 1, 'Family (the person’s own group of devices is no chat)')
    await accepting
    const own = a.peer.devices.personGroupId as string
    assert.equal(l.peer.devices.personGroupId, own, 'both devices know the person’s own group')

    // Alice makes a group on her first device: the laptop follows her into it
    const trips = await a.peer.createGroup('Trips')
    await a.peer.send(trips.idHex, { type: 'message', text: 'Norway in June?' })
    await eventually(() => l.peer.hasGroup(trips.idHex), 'the laptop takes the new group')
    const laptopTrips = l.peer.group(trips.idHex)
    await eventually(() => laptopTrips.isMember(), 'as a member of it')
    await eventually(async () => (await texts(laptopTrips)).includes('Norway in June?'), 'reading it', 15_000)

    // the laptop joins Carol's group by an invite: the first device follows, brought in by the laptop
    const carols = await c.peer.createGroup('Book club')
    const invite = await c.peer.createInvite(carols.idHex)
    await l.peer.acceptInvite(invite)
    await l.peer.send(carols.idHex, { type: 'message', text: 'Count me in' })
    await connect(c, a)
    await eventually(
      () => a.peer.hasGroup(carols.idHex) && a.peer.group(carols.idHex).isMember(),
      'Alice’s first device is in Carol’s group too',
      15_000
    )
    await eventually(async () => (await texts(a.peer.group(carols.idHex))).includes('Count me in'), 'and reads it', 15_000)
    const people = carols.members()
    assert.deepEqual(
      people.find((p) => p.key === toHex(a.key.publicKey))?.devices,
      [toHex(a.key.publicKey), toHex(l.key.publicKey)].sort(),
      'Carol sees one Alice with both devices'
    )

    // the laptop is lost: revoking it on the first device reaches every group, those made after the link included
    assert.equal(await a.peer.devices.revoke(toHex(l.key.publicKey)), 3, 'Family, Trips and Book club (and the person’s own group)')
    for (const id of [trips.idHex, carols.idHex]) {
      await eventually(() => l.peer.group(id).standing() === 'removed', `the laptop learns it was revoked from ${id.slice(0, 6)}`, 15_000)
    }
  })

  it('a refusal on the first device (codes that differ) leaves the new device with nothing; a device with groups, an expired or a damaged link are refused', async () => {
    const [a, phone, busy] = (await peers(3)) as [TestPeer, TestPeer, TestPeer]
    await a.peer.createGroup('Family')
    const offer = a.peer.devices.offer({ addresses: a.peer.multiaddrs() })
    const accepting = phone.peer.devices.accept(offer.text, { name: 'phone', onCode: () => undefined })
    await offer.arrived
    offer.refuse('the codes did not match')
    await assert.rejects(accepting, { name: 'DeviceLinkRefusedError', message: /codes did not match/ })
    assert.equal(phone.peer.groups().length, 0, 'the refused device got no group')
    assert.equal(phone.peer.devices.list().length, 1, 'and is still a person of its own')

    await busy.peer.createGroup('Own group')
    const second = a.peer.devices.offer({ addresses: a.peer.multiaddrs() })
    await assert.rejects(busy.peer.devices.accept(second.text, { name: 'busy', onCode: () => undefined }), {
      name: 'DeviceNotNewError',
      message: /already in 1 group/
    })

    const expiring = a.peer.devices.offer({ addresses: a.peer.multiaddrs(), ttlMs: 1 })
    await new Promise((r) => setTimeout(r, 20))
    assert.throws(() => parseDeviceLink(expiring.text, Date.now()), { name: 'DeviceLinkExpiredError' })
    await assert.rejects(expiring.arrived, { name: 'DeviceLinkExpiredError' })
    assert.throws(() => parseDeviceLink(second.text.slice(0, -6)), { name: 'MalformedDeviceLinkError', message: /incomplete or was changed/ })
  })
})
