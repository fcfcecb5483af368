/**
 * Whether a connection still carries anything: a stream is opened on it for
 * a protocol no peer speaks, and a live peer answers "not supported" within
 * one round trip. A connection whose other end is gone (a closed tab whose
 * WebRTC connection was never told, a process frozen or cut off behind a
 * NAT that dropped the flow) answers nothing, and libp2p would otherwise
 * keep it, and open new streams on it, until its own ping fails (10 s and
 * more) or WebRTC gives up on it (about 30 s).
 */
import type { Connection } from '@libp2p/interface'

/** A protocol no one handles: the answer is multistream-select's "na", which costs the remote nothing. */
export const PROBE_PROTOCOL = '/causette/probe/1.0.0'

/** True when the other end answered within `timeoutMs`. */
export async function answers(connection: Connection, timeoutMs: number): Promise<boolean> {
  try {
    const stream = await connection.newStream(PROBE_PROTOCOL, { signal: AbortSignal.timeout(timeoutMs), runOnLimitedConnection: true })
    // a peer that does speak it (none does today) answered too
    stream.abort(new Error('probe answered'))
    return true
  } catch (err) {
    return (err as Error).name === 'UnsupportedProtocolError'
  }
}
