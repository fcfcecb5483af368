/** A sync stream driven by hand, frame by frame, for playing a hostile peer against an honest one. */
import assert from 'node:assert/strict'
import {
  decodeFrame,
  encodeFrame,
  type GroupLog,
  membershipProof,
  newNonce,
  SYNC_PROTOCOL,
  SYNC_VERSION,
  type SyncFrame,
  syncTag
} from '@causette/core'
import { lpStream } from '@libp2p/utils'
import type { TestPeer } from '../../fixtures/peers.ts'

export interface RawSync {
  send(frame: SyncFrame): Promise<void>
  sendBytes(bytes: Uint8Array): Promise<void>
  read(timeoutMs?: number): Promise<SyncFrame>
  close(): Promise<void>
}

export async function rawSync(from: TestPeer, to: TestPeer): Promise<RawSync> {
  const stream = await from.peer.libp2p.dialProtocol(to.peer.libp2p.peerId, SYNC_PROTOCOL)
  // far above the protocol's limit: the hostile side must be able to send what the honest side refuses
  const lp = lpStream(stream, { maxDataLength: 256 * 1024 * 1024 })
  return {
    send: async (frame) => {
      await lp.write(encodeFrame(frame))
    },
    sendBytes: async (bytes) => {
      await lp.write(bytes)
    },
    read: async (timeoutMs = 5000) => decodeFrame((await lp.read({ signal: AbortSignal.timeout(timeoutMs) })).subarray()),
    close: async () => {
      await stream.close().catch(() => undefined)
    }
  }
}

/** Opens a sync stream and proves membership (the hostile side holds the secret), so what follows is judged on its own. */
export async function handshake(from: TestPeer, to: TestPeer, group: GroupLog): Promise<RawSync> {
  const raw = await rawSync(from, to)
  const nonce = newNonce()
  await raw.send({ type: 'hello', version: SYNC_VERSION, tag: syncTag(group.syncKey), nonce })
  const welcome = await raw.read()
  assert.equal(welcome.type, 'welcome')
  const proof = membershipProof('initiator', {
    syncKey: group.syncKey,
    initiatorNonce: nonce,
    responderNonce: (welcome as { nonce: Uint8Array }).nonce,
    initiatorPeer: from.peer.peerId,
    responderPeer: to.peer.peerId
  })
  await raw.send({ type: 'proof', proof })
  return raw
}
