/**
 * One socket write per turn of the event loop for each TCP connection,
 * instead of one per frame. libp2p writes every Noise frame to the socket
 * as it is made, as two writes (length, then ciphertext), so a daemon
 * forwarding a burst of gossip made two system calls per message for each
 * peer (10 % of its main thread at 5,000 messages a second). Corking the
 * socket when a turn first writes to it and uncorking at the end of the
 * turn hands the kernel everything at once (one writev). Backpressure is
 * unchanged: a corked socket still reports when its buffer is full.
 *
 * This reaches into @libp2p/tcp's connection (its `socket`, its
 * `sendData`): a connection of another shape is left as it is.
 */
import type { Connection } from '@libp2p/interface'

interface TcpConnectionInternals {
  socket?: { cork(): void; uncork(): void; destroyed: boolean }
  sendData?: (data: unknown) => unknown
}

const COALESCED = Symbol('causette.coalesced')

/** Makes this connection's socket coalesce its writes per turn; false if it is not a TCP connection it knows. */
export function coalesceWrites(connection: Connection): boolean {
  const maConn = (connection as unknown as { maConn?: TcpConnectionInternals & { [COALESCED]?: true } }).maConn
  const socket = maConn?.socket
  const sendData = maConn?.sendData
  if (maConn === undefined || socket === undefined || typeof sendData !== 'function' || typeof socket.cork !== 'function') return false
  if (maConn[COALESCED]) return true
  let corked = false
  const uncork = () => {
    corked = false
    if (!socket.destroyed) socket.uncork()
  }
  maConn.sendData = (data: unknown) => {
    if (!corked && !socket.destroyed) {
      corked = true
      socket.cork()
      process.nextTick(uncork)
    }
    return sendData.call(maConn, data)
  }
  maConn[COALESCED] = true
  return true
}
