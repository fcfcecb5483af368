/**
 * A bare gossipsub node on one topic, for benchmarks: it dials the peer
 * under test, joins its mesh and counts the messages forwarded to it,
 * checking none of them — so what it costs does not blur what is measured.
 * It speaks core's gossipsub settings (baseLibp2pOptions: core's libp2p
 * without core's services), with a key of its own.
 */
import { type BaseLibp2p, baseLibp2pOptions, generateDeviceKey } from '@causette/core'
import { nodeSha256 } from '@causette/node/node-hashes'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

export class TopicListener {
  received = 0
  private readonly libp2p: BaseLibp2p

  private constructor(libp2p: BaseLibp2p) {
    this.libp2p = libp2p
  }

  /** Listens on `topic`, connected to the first of `addresses` that answers. */
  static async start(topic: string, addresses: string[]): Promise<TopicListener> {
    // gossip's message ids hashed as a daemon hashes them
    const parts = { transports: [tcp()], listen: ['/ip4/127.0.0.1/tcp/0'], sha256: nodeSha256 }
    const libp2p = await createLibp2p(baseLibp2pOptions(await generateDeviceKey(), parts))
    await libp2p.start()
    const listener = new TopicListener(libp2p)
    const pubsub = libp2p.services.pubsub
    pubsub.addEventListener('message', (evt) => {
      if (evt.detail.topic === topic) listener.received++
    })
    pubsub.subscribe(topic)
    const tcpAddresses = addresses.filter((a) => a.includes('/tcp/') && !a.includes('/ws'))
    let lastError: Error | undefined
    for (const address of tcpAddresses) {
      try {
        await libp2p.dial(multiaddr(address))
        return listener
      } catch (error) {
        lastError = error as Error
      }
    }
    await libp2p.stop()
    throw new Error(`the listener could not reach the peer at ${addresses.join(', ')}: ${lastError?.message ?? 'no TCP address'}`)
  }

  async stop(): Promise<void> {
    await this.libp2p.stop()
  }
}
