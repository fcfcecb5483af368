import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fromHex, inviteToken, listInvites, memberKeyPair, proveInvite, toHex } from '@causette/core'
import { craftEntry } from '../fixtures/crafted-entry.ts'
import { freshDeviceKeys, merge, openReplica, type Replica, replicas } from '../fixtures/replicas.ts'

const hex = (r: Replica) => toHex(r.key.publicKey)
const revoke = (r: Replica, inviteId: Uint8Array) => r.log.append({ type: 'revoke-invite', token: fromHex(inviteToken(inviteId)) })

describe('invite revocation', () => {
  it('voids a revoked invite: its record shows who revoked it, and a join with it is refused by every member', async () => {
    const [admin, member] = (await replicas(2)) as [Replica, Replica]
    const inviteId = await admin.log.invite()
    await revoke(admin, inviteId)
    await merge(admin, member)
    const [key] = await freshDeviceKeys(1)
    const stranger = await openReplica(admin.log, key as never)
    await merge(admin, stranger)
    assert.equal(stranger.log.inviteUsable(inviteId), 'revoked')
    await assert.rejects(stranger.log.join(inviteId), { name: 'InviteRevokedError', message: /revoked by/ })
    // written around its own client's check, with a valid proof of the link
    const memberKey = memberKeyPair(stranger.key).publicKey
    const proof = proveInvite(inviteId, stranger.key.publicKey, memberKey)
    const forged = await craftEntry(stranger, { type: 'join', token: fromHex(inviteToken(inviteId)), proof, memberKey })
    for (const r of [admin, member]) {
      const result = await r.log.add([forged.bytes])
      const error = result.rejected[0]?.error as { name: string; reason?: string; revokedBy?: string }
      assert.deepEqual(
        { name: error.name, reason: error.reason, revokedBy: error.revokedBy },
        { name: 'InviteRevokedError', reason: 'revoked', revokedBy: hex(admin) }
      )
      assert.equal(r.log.members().length, 2)
    }
    const record = listInvites(member.log.membership()?.invites ?? new Map()).find((i) => i.token === inviteToken(inviteId))
    assert.equal(record?.revoked?.by, hex(admin))
  })

  it('lets only admins revoke, naming the admins to ask', async () => {
    const [admin, member] = (await replicas(2)) as [Replica, Replica]
    const inviteId = await admin.log.invite()
    await merge(admin, member)
    await assert.rejects(revoke(member, inviteId), (err: Error & { admins?: string[]; action?: string }) => {
      assert.equal(err.name, 'AdminOnlyError')
      assert.deepEqual(err.admins, [hex(admin)])
      assert.equal(err.action, 'revoke invites')
      assert.match(err.message, /only admins may revoke invites; ask an admin/)
      return true
    })
    assert.equal(member.log.inviteUsable(inviteId), 'usable', 'nothing was written')
  })

  it('keeps a join made before the revocation: revoking stops later joins, it does not remove anyone', async () => {
    const [admin, member] = (await replicas(2)) as [Replica, Replica]
    const inviteId = await admin.log.invite()
    const [k1, k2] = await freshDeviceKeys(2)
    const early = await openReplica(admin.log, k1 as never)
    await merge(admin, early)
    await early.log.join(inviteId)
    await merge(early, admin)
    await revoke(admin, inviteId)
    const late = await openReplica(admin.log, k2 as never)
    await merge(admin, late)
    await assert.rejects(late.log.join(inviteId), { name: 'InviteRevokedError' })
    await merge(admin, member)
    assert.deepEqual(
      member.log.members().map((m) => m.key),
      [hex(admin), hex(member), hex(early)].sort()
    )
  })

  it('refuses to revoke an invite the log does not record, or one revoked already', async () => {
    const [admin] = (await replicas(1)) as [Replica]
    await assert.rejects(admin.log.append({ type: 'revoke-invite', token: new Uint8Array(32) }), { name: 'NotAuthorizedError', message: /no invite/ })
    const inviteId = await admin.log.invite()
    await revoke(admin, inviteId)
    await assert.rejects(revoke(admin, inviteId), { name: 'NotAuthorizedError', message: /already revoked/ })
  })
})
