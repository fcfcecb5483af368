/**
 * What every group log a peer opens shares with the peer: its device key,
 * its store, and the collaborators injected into it — signatures, the body
 * cipher, the clock — so a log opened, created or joined is built alike.
 */
import type { GroupLogInit } from '../log/log-entry.ts'

export type LogParts = Pick<GroupLogInit, 'key' | 'store' | 'signatures' | 'aead' | 'now'>

/** The shared parts of `init`, with the options it leaves out left out (the log resolves their defaults). */
export function logParts(init: LogParts): LogParts {
  return {
    key: init.key,
    store: init.store,
    ...(init.signatures === undefined ? {} : { signatures: init.signatures }),
    ...(init.aead === undefined ? {} : { aead: init.aead }),
    ...(init.now === undefined ? {} : { now: init.now })
  }
}
