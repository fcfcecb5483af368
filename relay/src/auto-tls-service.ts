/**
 * AutoTLS for a relay with a public address (`--auto-tls`): the libp2p
 * services `@ipshipyard/libp2p-auto-tls` needs — a keychain for its ACME
 * account and certificate keys, an `@libp2p/http` client for the forge's
 * peer-id authenticated request (a client only: the relay serves no HTTP
 * over libp2p), and the AutoTLS service itself — with the keychain and the
 * certificate kept in `<dataDir>/auto-tls/` (a files datastore), so that a
 * restart serves the same certificate without asking the forge again. Only
 * relay-node.ts loads this module, and only when AutoTLS is on (a dynamic
 * import): a relay without it pays nothing.
 *
 * The rest of the node keeps libp2p's in-memory datastore (its peer store
 * has no business on disk): AutoTLS and the keychain see this datastore
 * through their own view of the components. Through the same view the
 * relay sees the forge's answers (the HTTP client) and ACME's errors
 * (AutoTLS's log) and says them in words (auto-tls-status.ts).
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { autoTLS } from '@ipshipyard/libp2p-auto-tls'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { type HTTP, http } from '@libp2p/http'
import type { ComponentLogger, Logger, PrivateKey } from '@libp2p/interface'
import { keychain } from '@libp2p/keychain'
import { FsDatastore } from 'datastore-fs'
import type { AutoTlsStatus } from './auto-tls-status.ts'
import { type AutoTlsConfig, RelayConfigError } from './relay-config.ts'

/** Where the keychain (encrypted keys) and the certificate are kept, under the data directory. */
export const AUTO_TLS_DIR = 'auto-tls'

// libp2p's service factories take its components; these wrap them
type Factory = (components: Record<string, unknown>) => unknown

export async function autoTlsServices(
  config: AutoTlsConfig,
  dataDir: string,
  key: PrivateKey,
  status: AutoTlsStatus
): Promise<Record<string, Factory>> {
  const datastore = new FsDatastore(join(dataDir, AUTO_TLS_DIR))
  try {
    await datastore.open()
  } catch (err) {
    throw new RelayConfigError(`cannot keep AutoTLS's keys and certificate in ${join(dataDir, AUTO_TLS_DIR)}: ${(err as Error).message}`)
  }
  // the keychain encrypts what it keeps; its password comes from the relay's key, kept beside it
  const pass = createHash('sha256').update('causette-relay auto-tls keychain').update(privateKeyToProtobuf(key)).digest('hex')
  const service = autoTLS({
    forgeEndpoint: config.forgeEndpoint,
    forgeDomain: config.forgeDomain,
    acmeDirectory: config.acmeDirectory,
    // the relay's public address is the operator's word (--announce, required); the forge dials it back
    autoConfirmAddress: true
  }) as unknown as Factory
  return {
    keychain: (components) =>
      (
        keychain({
          pass,
          dek: { hash: 'sha2-512', iterationCount: 10_000, keyLength: 64, salt: 'causette-relay-auto-tls-keychain' }
        }) as unknown as Factory
      )(view(components, { datastore })),
    autoTLS: (components) => {
      // an HTTP client of its own, not a libp2p service: the relay serves no HTTP over libp2p (/http/1.1)
      const client: HTTP = (http() as unknown as Factory)(
        view(components, {
          get http() {
            return client
          }
        })
      ) as HTTP
      return service(
        view(components, {
          datastore,
          logger: reportingLogger(components.logger as ComponentLogger, status, config.acmeDirectory),
          http: reportingHttp(client, status)
        })
      )
    }
  }
}

/** The components, with some of them replaced. */
function view(components: Record<string, unknown>, replaced: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(components, { get: (target, name) => (typeof name === 'string' && name in replaced ? replaced[name] : Reflect.get(target, name)) })
}

/** The HTTP client AutoTLS asks the forge with: each request's outcome said in words. */
function reportingHttp(client: HTTP, status: AutoTlsStatus): Pick<HTTP, 'fetch'> {
  return {
    fetch: async (resource, init) => {
      status.askingForge()
      let response: Response
      try {
        response = await client.fetch(resource, init)
      } catch (err) {
        status.forgeUnreachable(err)
        throw err
      }
      if (response.ok) status.forgeTookChallenge()
      else
        status.forgeRefused(
          response.status,
          (
            await response
              .clone()
              .text()
              .catch(() => '')
          ).trim()
        )
      return response
    }
  }
}

/** AutoTLS's log, as libp2p's, and its attempts followed: each failure said in words (it logs it, then tries again). */
function reportingLogger(real: ComponentLogger, status: AutoTlsStatus, acmeDirectory: string): ComponentLogger {
  return {
    forComponent: (name: string): Logger => {
      const log = real.forComponent(name)
      if (name !== 'libp2p:auto-tls') return log
      const wrapped = ((formatter: unknown, ...args: unknown[]) => {
        if (formatter === 'fetching certificate') status.attemptStarted()
        log(formatter, ...args)
      }) as Logger
      Object.assign(wrapped, log, {
        error: (formatter: unknown, ...args: unknown[]) => {
          log.error(formatter, ...args)
          if (typeof formatter !== 'string' || !formatter.startsWith('provisioning certificate failed')) return
          const err = args.find((a) => a instanceof Error) ?? args.at(-1)
          if (status.forgeFailing) {
            status.attemptFailed(err)
            return
          }
          // an unreachable ACME server ends in acme-client's own TypeError after its retries: ask the directory, to say what it is
          fetch(acmeDirectory, { signal: AbortSignal.timeout(10_000) }).then(
            () => status.attemptFailed(err),
            (unreachable: unknown) => status.acmeUnreachable(unreachable)
          )
        }
      })
      return wrapped
    }
  }
}
