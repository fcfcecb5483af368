import { CausettePeer, generateDeviceKey, inviteLink, MemoryStore, parseInvite } from '@causette/core'
import { tcp } from '@libp2p/tcp'

const options = { transports: [tcp()], listen: ['/ip4/127.0.0.1/tcp/0'] }
const alice = await CausettePeer.create({ key: await generateDeviceKey(), store: new MemoryStore(), ...options })
const bob = await CausettePeer.create({ key: await generateDeviceKey(), store: new MemoryStore(), ...options })
await alice.start()
await bob.start()

const group = await alice.createGroup('Climbing')
const link = inviteLink(await alice.createInvite(group.idHex, { singleUse: true })) // causette:join/…, carries Alice's addresses
const joined = await bob.acceptInvite(parseInvite(link)) // dials Alice, syncs, writes the join

const delivered = new Promise<string>((resolve) => {
  bob.addEventListener('entries', (e) => {
    if (e.detail.source === 'gossip') resolve(joined.view.messages().messages.at(-1)?.text ?? '')
  })
})
await alice.send(group.idHex, { type: 'message', text: 'Sunday at 10?' })
console.log(await delivered, bob.status(group.idHex).connectedMembers.length) // Sunday at 10? 1
await Promise.all([alice.stop(), bob.stop()])
