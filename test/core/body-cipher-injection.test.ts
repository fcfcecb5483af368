/**
 * The body cipher is injected, never swapped globally: a peer given an
 * `aead` hands it to every log it opens, and every body those logs seal or
 * open goes through it — while what they write stays the one standard
 * cipher, which a log on noble's reads.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CausettePeer, type DeviceKey, GroupLog, MemoryStore, nobleXChaCha, type XChaChaAead } from '@causette/core'
import { memory } from '@libp2p/memory'
import { entryBytes } from '../fixtures/entry-bytes.ts'
import { freshDeviceKeys, signatures } from '../fixtures/replicas.ts'

/** Noble's cipher, counting the bodies it seals and opens. */
function countingAead(): XChaChaAead & { seals: number; opens: number } {
  return {
    seals: 0,
    opens: 0,
    seal(key, nonce, ad, plaintext) {
      this.seals++
      return nobleXChaCha.seal(key, nonce, ad, plaintext)
    },
    open(key, nonce, ad, sealed) {
      this.opens++
      return nobleXChaCha.open(key, nonce, ad, sealed)
    }
  }
}

let listeners = 0

function peerWith(key: DeviceKey, aead: XChaChaAead): Promise<CausettePeer> {
  const listen = [`/memory/causette-aead-${process.pid}-${listeners++}`]
  return CausettePeer.create({ key, store: new MemoryStore(), signatures, aead, transports: [memory()], listen })
}

const texts = async (log: GroupLog) => (await log.view.messages()).messages.map((m) => m.text)

describe('the injected body cipher', () => {
  it('seals and opens every body of the logs a peer opens, in bytes a log on noble’s cipher reads', async () => {
    const [aliceKey, bobKey] = (await freshDeviceKeys(2)) as [DeviceKey, DeviceKey]
    const alices = countingAead()
    const alice = await peerWith(aliceKey, alices)
    const group = await alice.createGroup('Climbing')
    await alice.send(group.idHex, { type: 'message', text: 'Sunday at 10?' })
    // the genesis, the rekey before the first message, and the message
    assert.equal(alices.seals, 3, 'every body Alice wrote was sealed by her cipher')

    // a log of Alice's device on core's default cipher (another of her apps, say) reads what her peer's wrote
    const reader = await GroupLog.open({ groupId: group.id, secret: group.secret, key: aliceKey, store: new MemoryStore(), signatures })
    const added = await reader.add(await entryBytes(group))
    assert.deepEqual(added.rejected, [])
    assert.deepEqual(await texts(reader), ['Sunday at 10?'])

    // a log joined by a peer with its own cipher opens the bodies with it
    const bobs = countingAead()
    const bob = await peerWith(bobKey, bobs)
    const joined = await bob.joinGroup(group.id, group.secret, 'Climbing')
    await joined.add(await entryBytes(group))
    assert.ok(bobs.opens >= 2, `Bob's cipher opened the membership bodies (${bobs.opens} opens)`)
    assert.equal(bobs.seals, 0)

    // reopened from its store, Alice's log opens what it holds with her cipher, and reads her message
    const opensBefore = alices.opens
    await alice.closeGroup(group.idHex)
    const reopened = await alice.openGroup(group.id)
    assert.ok(alices.opens > opensBefore, 'bodies loaded from the store were opened by her cipher')
    assert.deepEqual(await texts(reopened), ['Sunday at 10?'])
    await Promise.all([alice.stop(), bob.stop()])
  })
})
