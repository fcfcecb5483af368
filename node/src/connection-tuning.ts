/**
 * What a Node process does to each libp2p connection it opens or accepts:
 * socket writes coalesced per turn (socket-coalescing.ts) and Noise's frame
 * lengths read without an exception per read (noise-frame-lengths.ts). The
 * daemon, the relay and the benchmarks' Node peers all run with it.
 */
import type { Libp2pEvents, TypedEventTarget } from '@libp2p/interface'
import { quietFrameLengths } from './noise-frame-lengths.ts'
import { coalesceWrites } from './socket-coalescing.ts'

/** Tunes every connection `libp2p` makes from now on; call before it starts. */
export function tuneConnections(libp2p: Pick<TypedEventTarget<Libp2pEvents>, 'addEventListener'>): void {
  libp2p.addEventListener('connection:open', (evt) => {
    coalesceWrites(evt.detail)
    quietFrameLengths(evt.detail)
  })
}
