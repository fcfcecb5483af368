/**
 * The community relay as an operator runs it: one command, a real process
 * (`causette-relay`), with its identity kept across restarts, a health and
 * metrics endpoint, limits sized for a community and enforced — exactly as
 * many reservations as configured, a cap per IP address — and wrong
 * settings refused before anything starts, with a message saying which.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { localRelayFlags, refusedRelay, startRelay } from './fixtures/relay-process.ts'
import { tryReservation } from './fixtures/reserve.ts'

async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'causette-relay-'))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

const local = localRelayFlags

describe('causette-relay', () => {
  it('starts with one command, answers /health and /metrics, keeps its identity across a restart, and stops cleanly on SIGTERM', async () => {
    const dir = await tempDir()
    try {
      const first = await startRelay(local(dir.path))
      let code: number | null
      try {
        assert.match(first.output(), /a new identity, kept in/)
        assert.ok(
          first.addresses.some((a) => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(a)),
          'a TCP address for daemons'
        )
        assert.ok(
          first.addresses.some((a) => /\/ws\/p2p\//.test(a)),
          'a WebSockets address for browsers'
        )
        assert.match(first.output(), /Members start their daemons with: causette start --relay \/ip4\//)
        const health = (await (await fetch(`${first.health}/health`)).json()) as { status: string; peerId: string; maxReservations: number }
        assert.deepEqual([health.status, health.peerId, health.maxReservations], ['ok', first.peerId, 128])
        const metrics = await (await fetch(`${first.health}/metrics`)).text()
        assert.match(metrics, /^causette_relay_reservations_max 128$/m)
        assert.match(metrics, /^# TYPE causette_relay_reservations_refused_total counter$/m)
        assert.equal((await fetch(`${first.health}/nothing`)).status, 404)
        assert.equal((await stat(join(dir.path, 'relay-key'))).mode & 0o777, 0o600, 'its key is readable by its owner only')
      } finally {
        code = await first.stop()
      }
      assert.equal(code, 0, 'a clean stop')
      assert.match(first.output(), /Stopped\.\n$/)

      const second = await startRelay(local(dir.path))
      try {
        assert.equal(second.peerId, first.peerId, 'the same identity after a restart: members keep its address')
        assert.doesNotMatch(second.output(), /a new identity/)
      } finally {
        assert.equal(await second.stop(), 0)
      }
    } finally {
      await dir.remove()
    }
  })

  it('refuses wrong settings before starting, saying which and why', async () => {
    const dir = await tempDir()
    try {
      const config = join(dir.path, 'relay.json')
      const refused = async (args: string[], expected: RegExp) => {
        const { code, output } = await refusedRelay(args)
        assert.equal(code, 2, `exit status 2 for ${args.join(' ')}: ${output}`)
        assert.match(output, expected)
      }
      await refused(local(dir.path, '--port', 'abc'), /flags: port must be a port number \(0 for a free one\), not "abc"/)
      await refused(local(dir.path, '--max-reservations', '-1'), /maxReservations must be a whole number of at least 0/)
      await refused(
        local(dir.path, '--wss-port', '0', '--cert', join(dir.path, 'missing.pem')),
        /secure WebSockets need all of wss.port, wss.cert and wss.key/
      )
      await refused(
        local(dir.path, '--wss-port', '0', '--cert', join(dir.path, 'missing.pem'), '--key', join(dir.path, 'missing.key')),
        /cannot read the TLS certificate .*missing\.pem/
      )
      await writeFile(config, '{"port": 4001, "maxReservation": 5}')
      await refused(['--config', config, '--data-dir', dir.path], /config file .*relay\.json has an unknown setting "maxReservation"/)
      await writeFile(config, '{"port": 4001,')
      await refused(['--config', config], /config file .*relay\.json is not JSON/)
      await writeFile(config, '{"announce": ["not an address"]}')
      await refused(['--config', config], /announce must be a list of multiaddrs/)
      await writeFile(config, '{"libp2pMetrics": "yes"}')
      await refused(['--config', config], /libp2pMetrics must be true or false, not "yes"/)
      await refused(local(dir.path, '--members-only', '--no-mailbox'), /membersOnly needs the mailbox/)
      await writeFile(config, '{"mailbox": {"groupEntries": 0}}')
      await refused(['--config', config], /mailbox.groupEntries must be a whole number of at least 1/)
    } finally {
      await dir.remove()
    }
  })

  it('grants exactly as many reservations as configured: 128 of 200 attempts from distinct peers', async () => {
    const dir = await tempDir()
    // every attempt comes from 127.0.0.1 here: the per-address caps are lifted to count the total alone
    const relay = await startRelay(local(dir.path, '--reservations-per-ip', '1000', '--connections-per-ip', '1000'))
    try {
      const address = relay.addresses.find((a) => a.startsWith('/ip4/127.0.0.1/') && !a.includes('/ws')) as string
      let granted = 0
      for (let i = 0; i < 200; i++) if (await tryReservation(address)) granted++
      assert.equal(granted, 128)
      const health = (await (await fetch(`${relay.health}/health`)).json()) as { reservations: number }
      assert.equal(health.reservations, 128)
    } finally {
      await relay.stop()
      await dir.remove()
    }
  })

  it('caps the reservations of one IP address, and counts those it refused', async () => {
    const dir = await tempDir()
    const relay = await startRelay(local(dir.path, '--reservations-per-ip', '3'))
    try {
      const address = relay.addresses.find((a) => a.startsWith('/ip4/127.0.0.1/') && !a.includes('/ws')) as string
      const results: boolean[] = []
      for (let i = 0; i < 5; i++) results.push(await tryReservation(address))
      assert.deepEqual(results, [true, true, true, false, false])
      const metrics = await (await fetch(`${relay.health}/metrics`)).text()
      assert.match(metrics, /^causette_relay_reservations_refused_total\{reason="per_ip"\} 2$/m)
      assert.match(metrics, /^causette_relay_reservations 3$/m)
    } finally {
      await relay.stop()
      await dir.remove()
    }
  })

  it("carries libp2p's own metrics in /metrics beside its own, unless told not to", async () => {
    const dir = await tempDir()
    const relay = await startRelay(local(dir.path))
    try {
      const address = relay.addresses.find((a) => a.startsWith('/ip4/127.0.0.1/') && !a.includes('/ws')) as string
      assert.equal(await tryReservation(address), true)
      const metrics = await (await fetch(`${relay.health}/metrics`)).text()
      assert.match(metrics, /^causette_relay_reservations 1$/m, "the relay's own counters, with their names")
      assert.match(metrics, /^libp2p_circuit_relay_server_reservations_total 1$/m, "libp2p's relay server")
      assert.match(metrics, /^# TYPE libp2p_data_transfer_bytes_total counter$/m)
      const hop = /^libp2p_data_transfer_bytes_total\{protocol="\/libp2p\/circuit\/relay\/0\.2\.0\/hop received"\} (\d+)$/m.exec(metrics)
      assert.ok(Number(hop?.[1]) > 0, 'bytes by protocol: the reservation came over the hop protocol')
      assert.match(metrics, /^libp2p_connection_manager_connections\{libp2p_connection_manager_connections="inbound"\} \d+$/m)
      assert.match(metrics, /^nodejs_heap_size_used_bytes \d+/m, "the process's own")
    } finally {
      await relay.stop()
    }
    const bare = await startRelay(local(dir.path, '--no-libp2p-metrics'))
    try {
      const metrics = await (await fetch(`${bare.health}/metrics`)).text()
      assert.match(metrics, /^causette_relay_reservations_max 128$/m)
      assert.doesNotMatch(metrics, /^libp2p_|^nodejs_/m)
    } finally {
      await bare.stop()
      await dir.remove()
    }
  })
})
