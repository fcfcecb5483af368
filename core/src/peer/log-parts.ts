/**
 * What every group log a peer opens shares with the peer: its device key,
 * its store, and the collaborators injected into it — signatures, the body
 * cipher, the hash of entry ids, the clock — so a log opened, created or joined is built alike.
 */
import type { GroupLogInit } from '../log/log-entry.ts'

export type LogParts = Pick<GroupLogInit, 'key' | 'store' | 'signatures' | 'aead' | 'x25519' | 'sha256' | 'now'>

/** The shared parts of `init`, with the options it leaves out left out (the log resolves their defaults). */
export function logParts(init: LogParts): LogParts {
  return {
    key: init.key,
    store: init.store,
    ...(init.signatures === undefined ? {} : { signatures: init.signatures }),
    ...(init.aead === undefined ? {} : { aead: init.aead }),
    ...(init.x25519 === undefined ? {} : { x25519: init.x25519 }),
    ...(init.sha256 === undefined ? {} : { sha256: init.sha256 }),
    ...(init.now === undefined ? {} : { now: init.now })
  }
}
