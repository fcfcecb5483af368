/**
 * AutoTLS as an operator and a browser would notice it, with a real
 * `causette-relay --auto-tls` process pointed at local stand-ins for the
 * two outside services (this machine reaches neither): a forge that checks
 * libp2p's peer-id HTTP authentication and holds the challenge's TXT value
 * (fixtures/forge.ts), and an ACME server issuing certificates from a test
 * CA (fixtures/acme-server.ts, fixtures/test-ca.ts).
 *
 * The relay announces a public IP address (any: nothing dials it) with
 * its WebSockets port, as a relay on a server with a public address does;
 * it listens on 127.0.0.1. The dialling peer (fixtures/auto-tls-dial.ts)
 * resolves the forge's names to 127.0.0.1, as the forge's DNS would
 * resolve them to the IP in the name.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { connect, type PeerCertificate } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { peerIdFromString } from '@libp2p/peer-id'
import { base36 } from 'multiformats/bases/base36'
import { type AcmeServer, startAcmeServer } from './fixtures/acme-server.ts'
import { type Forge, startForge } from './fixtures/forge.ts'
import { freePorts } from './fixtures/free-port.ts'
import { exited, localRelayFlags, type RelayRun, refusedRelay, startRelay } from './fixtures/relay-process.ts'
import { createTestCa, type TestCa } from './fixtures/test-ca.ts'

const DOMAIN = 'libp2p.test'
/** A public IPv4 address (libp2p's filters count it so); never dialled here. */
const PUBLIC_IP = '11.22.33.44'
const DIAL = fileURLToPath(new URL('./fixtures/auto-tls-dial.ts', import.meta.url))

/** Waits (at most `ms`) until the relay has printed what `pattern` matches. */
async function said(relay: RelayRun, pattern: RegExp, ms = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms
  for (;;) {
    const match = pattern.exec(relay.output())
    if (match !== null) return match
    if (relay.process.exitCode !== null) throw new Error(`the relay exited:\n${relay.output()}`)
    if (Date.now() > deadline) throw new Error(`the relay did not say ${pattern} in ${ms} ms:\n${relay.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The certificate a TLS client is shown at 127.0.0.1:`port` for `servername`, checked against `ca`. */
async function handshake(port: number, servername: string, ca: string): Promise<{ authorized: boolean; error?: Error; cert: PeerCertificate }> {
  const socket = connect({ host: '127.0.0.1', port, servername, ca, rejectUnauthorized: false })
  try {
    await once(socket, 'secureConnect')
    return {
      authorized: socket.authorized,
      ...(socket.authorizationError ? { error: socket.authorizationError } : {}),
      cert: socket.getPeerCertificate()
    }
  } finally {
    socket.destroy()
  }
}

/** Dials `address` from a peer in a child process; resolves with what it printed and whether it connected. */
async function dial(address: string, env: Record<string, string> = {}): Promise<{ connected: boolean; output: string }> {
  const { code, output } = await exited(
    spawn(process.execPath, [DIAL, address, DOMAIN], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  )
  return { connected: code === 0 && output.startsWith('connected '), output }
}

async function health(relay: RelayRun): Promise<{ addresses: string[]; autoTls: Record<string, string> }> {
  return (await (await fetch(`${relay.health}/health`)).json()) as { addresses: string[]; autoTls: Record<string, string> }
}

describe('causette-relay --auto-tls', () => {
  let ca: TestCa
  let forge: Forge
  let acme: AcmeServer
  const dirs: string[] = []
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-relay-autotls-'))
    dirs.push(dir)
    return dir
  }
  /** A relay on 127.0.0.1 announcing the public address with the same ports (as one on a server with a public address would). */
  const autoTlsFlags = (dir: string, [tcpPort, wsPort]: number[], forgeUrl: string) =>
    localRelayFlags(dir, '--port', String(tcpPort), '--ws-port', String(wsPort), '--auto-tls', '--auto-tls-forge', forgeUrl)
      .concat(['--auto-tls-domain', DOMAIN, '--auto-tls-acme', acme.directory])
      .concat(['--announce', `/ip4/${PUBLIC_IP}/tcp/${tcpPort}`, `/ip4/${PUBLIC_IP}/tcp/${wsPort}/ws`])

  before(async () => {
    ca = await createTestCa()
    forge = await startForge(DOMAIN)
    acme = await startAcmeServer(ca, forge.txt)
  })
  after(async () => {
    await forge.close()
    await acme.close()
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('gets a certificate through the forge and ACME, serves it on its WebSockets port to a peer that trusts the CA, and serves it again after a restart without asking', async () => {
    const dir = await tempDir()
    const caFile = join(dir, 'test-ca.pem')
    await writeFile(caFile, ca.pem)
    const ports = await freePorts(2)
    const wsPort = ports[1] as number
    let relay = await startRelay(autoTlsFlags(dir, ports, forge.url))
    let fingerprint: string
    const peerBase36 = base36.encode(peerIdFromString(relay.peerId).toCID().bytes)
    const name = `${PUBLIC_IP.replaceAll('.', '-')}.${peerBase36}.${DOMAIN}`
    const tlsAddress = `/ip4/${PUBLIC_IP}/tcp/${wsPort}/tls/sni/${name}/ws/p2p/${relay.peerId}`
    try {
      await said(relay, /AutoTLS: asking the forge http:\/\/127\.0\.0\.1:\d+\/ to answer the ACME DNS challenge/)
      const [line] = await said(relay, /AutoTLS: certificate for \S+ obtained from \S+, valid until \S+; secure WebSockets on:\n {2}\S+/)
      assert.ok(line.includes(`*.${peerBase36}.${DOMAIN} obtained from ${acme.directory}`), line)
      assert.ok(line.endsWith(tlsAddress), `it announces ${tlsAddress}:\n${line}`)
      assert.equal(forge.requests.length, 1, 'one challenge asked of the forge')
      assert.equal(forge.requests[0]?.peerId, relay.peerId, "the forge authenticated the relay's peer id")
      assert.ok(forge.requests[0]?.addresses.includes(`/ip4/${PUBLIC_IP}/tcp/${wsPort}/ws/p2p/${relay.peerId}`), 'with its public addresses')
      assert.deepEqual([acme.counts.orders, acme.counts.certificates], [1, 1])

      const h = await health(relay)
      assert.equal(h.autoTls.state, 'certified')
      assert.equal(h.autoTls.certificateFrom, 'acme')
      assert.ok(h.addresses.includes(tlsAddress), 'announced: /health lists it among its addresses')

      const shown = await handshake(wsPort, name, ca.pem)
      assert.equal(shown.authorized, true, `the certificate verifies against the test CA: ${shown.error}`)
      assert.match(shown.cert.subjectaltname ?? '', new RegExp(`DNS:\\*\\.${peerBase36}\\.${DOMAIN.replace('.', '\\.')}`))
      assert.equal(shown.cert.issuer.CN, ca.name)
      fingerprint = shown.cert.fingerprint256

      const trusted = await dial(tlsAddress, { NODE_EXTRA_CA_CERTS: caFile })
      assert.ok(trusted.connected, `a peer trusting the test CA connects over secure WebSockets: ${trusted.output}`)
      assert.ok(trusted.output.includes(`/tls/sni/${name}/ws`) && trusted.output.includes(relay.peerId), trusted.output)
      const untrusted = await dial(tlsAddress)
      assert.equal(untrusted.connected, false, `a peer that does not trust the CA is refused: ${untrusted.output}`)
      const plain = await dial(`/ip4/127.0.0.1/tcp/${wsPort}/ws/p2p/${relay.peerId}`)
      assert.ok(plain.connected, `plain WebSockets on the same port still: ${plain.output}`)
    } finally {
      assert.equal(await relay.stop(), 0)
    }

    relay = await startRelay(autoTlsFlags(dir, ports, forge.url))
    try {
      const [line] = await said(
        relay,
        /AutoTLS: certificate for \S+ kept in the data directory, served again, valid until \S+; secure WebSockets on:\n {2}\S+/
      )
      assert.ok(line.endsWith(tlsAddress), line)
      assert.equal((await handshake(wsPort, name, ca.pem)).cert.fingerprint256, fingerprint, 'the same certificate')
      assert.equal(forge.requests.length, 1, 'the forge was not asked again')
      assert.deepEqual([acme.counts.orders, acme.counts.certificates], [1, 1], 'nor the CA')
      assert.equal((await health(relay)).autoTls.certificateFrom, 'data-dir')
      assert.doesNotMatch(relay.output(), /asking the forge/)
    } finally {
      assert.equal(await relay.stop(), 0)
    }
  })

  it('with the forge down, says so and keeps serving TCP and WebSockets (set up from a config file)', async () => {
    const dir = await tempDir()
    const down = await startForge(DOMAIN)
    await down.close()
    const [tcpPort, wsPort] = (await freePorts(2)) as [number, number]
    const config = join(dir, 'relay.json')
    const autoTls = { forgeEndpoint: down.url, forgeDomain: DOMAIN, acmeDirectory: acme.directory }
    const announce = [`/ip4/${PUBLIC_IP}/tcp/${tcpPort}`, `/ip4/${PUBLIC_IP}/tcp/${wsPort}/ws`]
    await writeFile(config, JSON.stringify({ port: tcpPort, wsPort, announce, autoTls }))
    const relay = await startRelay(localRelayFlags(dir, '--config', config, '--port', String(tcpPort), '--ws-port', String(wsPort)))
    try {
      await said(
        relay,
        /AutoTLS: cannot reach the forge http:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED.*; trying again in 5 s, and serving TCP and WebSockets meanwhile/
      )
      const h = await health(relay)
      assert.equal(h.autoTls.state, 'failing')
      assert.match(h.autoTls.lastError ?? '', /cannot reach the forge/)
      assert.ok(!h.addresses.some((a) => a.includes('/tls/')), 'no secure WebSockets address announced without a certificate')
      const [tcp, ws] = await Promise.all([
        dial(`/ip4/127.0.0.1/tcp/${tcpPort}/p2p/${relay.peerId}`),
        dial(`/ip4/127.0.0.1/tcp/${wsPort}/ws/p2p/${relay.peerId}`)
      ])
      assert.ok(tcp.connected, `TCP: ${tcp.output}`)
      assert.ok(ws.connected, `WebSockets: ${ws.output}`)
    } finally {
      assert.equal(await relay.stop(), 0)
    }
  })

  it('says what failed: the forge refusing, the ACME server erring', async () => {
    const refusing = await startForge(DOMAIN, { refuse: { status: 400, text: 'error testing addresses: dial back failed' } })
    const [one, two] = [await tempDir(), await tempDir()]
    const ports = await freePorts(4)
    const [refused, erring] = await Promise.all([
      startRelay(autoTlsFlags(one, ports.slice(0, 2), refusing.url)),
      startRelay(autoTlsFlags(two, ports.slice(2), forge.url).concat(['--auto-tls-acme', acme.directory.replace('/directory', '/nothing')]))
    ])
    try {
      await Promise.all([
        said(
          refused,
          /AutoTLS: the forge http:\/\/\S+ refused \(HTTP 400: error testing addresses: dial back failed\); trying again in 5 s, and serving TCP and WebSockets meanwhile/
        ),
        said(erring, /AutoTLS: the ACME server http:\/\/\S+\/nothing failed: .*404.*; trying again in 5 s/)
      ])
      assert.equal(refusing.requests.length, 0)
      assert.equal((await health(refused)).autoTls.state, 'failing')
      assert.match((await health(erring)).autoTls.lastError ?? '', /the ACME server .* failed/)
    } finally {
      await Promise.all([refused.stop(), erring.stop(), refusing.close()])
    }
  })

  it("loads none of AutoTLS's packages when it is off", async () => {
    const packages = /^package (\S+)$/gm
    const hook = ['--import', fileURLToPath(new URL('./fixtures/report-packages.ts', import.meta.url))]
    const started = await Promise.allSettled([
      startRelay(localRelayFlags(await tempDir()), { nodeFlags: hook }),
      startRelay(autoTlsFlags(await tempDir(), await freePorts(2), forge.url), { nodeFlags: hook })
    ])
    // one that failed to start leaves the other running: stop it before saying why
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)))
    const [off, on] = started.map((s) => {
      if (s.status === 'rejected') throw s.reason
      return s.value
    }) as [RelayRun, RelayRun]
    const autoTlsOnly = ['@ipshipyard/libp2p-auto-tls', 'acme-client', '@peculiar/x509', '@libp2p/http', '@libp2p/keychain', 'datastore-fs']
    const loaded = (run: RelayRun) => new Set([...run.output().matchAll(packages)].map((m) => m[1]))
    assert.ok(loaded(off).has('libp2p'), `the hook reports packages: ${off.output()}`)
    assert.deepEqual(
      autoTlsOnly.filter((p) => loaded(off).has(p)),
      []
    )
    assert.deepEqual(
      autoTlsOnly.filter((p) => !loaded(on).has(p)),
      [],
      'with --auto-tls they are loaded'
    )
  })

  it('refuses settings that leave AutoTLS nothing to do', async () => {
    const dir = await tempDir()
    const refused = async (args: string[], expected: RegExp) => {
      const { code, output } = await refusedRelay(localRelayFlags(dir, ...args))
      assert.equal(code, 2, `exit status 2 for ${args.join(' ')}: ${output}`)
      assert.match(output, expected)
    }
    await refused(
      ['--auto-tls', '--ws-port', '-1', '--announce', '/ip4/11.22.33.44/tcp/4002/ws'],
      /AutoTLS serves secure WebSockets on the WebSockets port/
    )
    await refused(
      ['--auto-tls', '--wss-port', '0', '--cert', 'c.pem', '--key', 'k.pem', '--announce', '/ip4/11.22.33.44/tcp/4002/ws'],
      /AutoTLS and a certificate from files .* choose one/
    )
    await refused(['--auto-tls'], /AutoTLS needs the relay's public IP address announced for WebSockets .* --announce \/ip4\/1\.2\.3\.4\/tcp\/0 /)
    await refused(['--auto-tls', '--announce', '/dns4/relay.example.org/tcp/443/wss'], /AutoTLS needs the relay's public IP address announced/)
    await refused(['--auto-tls', '--announce', '/ip4/192.168.1.2/tcp/4002/ws'], /AutoTLS needs the relay's public IP address announced/)
    await refused(['--auto-tls-acme', 'https://acme-staging-v02.api.letsencrypt.org/directory'], /need --auto-tls/)
    await refused(['--auto-tls', '--auto-tls-forge', 'ftp://x'], /autoTls.forgeEndpoint must be an http\(s\) URL/)
    const config = join(dir, 'relay.json')
    await writeFile(config, JSON.stringify({ autoTls: { forgeDomain: 'not a domain' } }))
    await refused(['--config', config], /config file .*: autoTls.forgeDomain must be a domain name, like libp2p.direct, not "not a domain"/)
    await writeFile(config, JSON.stringify({ autoTls: { acme: 'x' } }))
    await refused(['--config', config], /autoTls must be an object of forgeEndpoint, forgeDomain and acmeDirectory, not "acme"/)
  })
})
