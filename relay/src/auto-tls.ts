/**
 * AutoTLS on the relay's node: its services, loaded only here and only
 * when it is on (auto-tls-service.ts, a dynamic import); the addresses the
 * relay announces, with the secure WebSockets ones once it holds a
 * certificate (auto-tls-addresses.ts); and what the node does — its public
 * addresses, the certificate arriving — told to the status the operator
 * reads (auto-tls-status.ts).
 */
import { X509Certificate } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { autoTlsDomain, secureWebSocketsAddresses } from './auto-tls-addresses.ts'
import { AutoTlsStatus } from './auto-tls-status.ts'
import { type AutoTlsConfig, isPublicIp } from './relay-config.ts'
import type { RelayLibp2p } from './relay-node.ts'

/** AutoTLS's services (loaded now, not before), what it says, and the announced addresses with its secure WebSockets ones. */
export async function autoTlsFor(config: AutoTlsConfig, dataDir: string, key: PrivateKey) {
  const domain = autoTlsDomain(peerIdFromPrivateKey(key), config.forgeDomain)
  const status = new AutoTlsStatus({ domain: `*.${domain}`, forge: config.forgeEndpoint, acmeDirectory: config.acmeDirectory })
  const { autoTlsServices } = await import('./auto-tls-service.ts')
  const services = await autoTlsServices(config, dataDir, key, status)
  const announced = (addresses: Multiaddr[]): Multiaddr[] =>
    status.state === 'certified' ? [...addresses, ...secureWebSocketsAddresses(addresses, domain)] : addresses
  return { status, services, announced }
}

/** The relay's public addresses as they change, and the certificate once AutoTLS has one, told to `status`. */
export function followAutoTls(libp2p: RelayLibp2p, status: AutoTlsStatus): void {
  const publicOnes = () =>
    libp2p
      .getMultiaddrs()
      .map(String)
      .filter((a) => /^\/ip[46]\//.test(a) && isPublicIp(a.split('/')[2] as string))
  libp2p.addEventListener('self:peer:update', () => status.addresses(publicOnes()))
  libp2p.addEventListener('transport:listening', () => status.addresses(publicOnes()))
  const certified = (event: CustomEvent<{ notAfter?: Date; cert: string }>) => {
    const notAfter = event.detail.notAfter ?? new Date(new X509Certificate(event.detail.cert).validTo)
    status.state = 'certified'
    // the WebSockets listener and libp2p's DNS mapping take the certificate in their own handlers of this event: after them
    setTimeout(
      () =>
        status.certified(
          notAfter,
          libp2p
            .getMultiaddrs()
            .map(String)
            .filter((a) => a.includes('/tls/'))
        ),
      50
    )
  }
  libp2p.addEventListener('certificate:provision', certified)
  libp2p.addEventListener('certificate:renew', certified)
}
