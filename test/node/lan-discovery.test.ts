/**
 * Two daemons on a LAN with no configuration find each other by mDNS and
 * sync a group. The LAN is real: two network namespaces on one bridge
 * (fixtures/lan.ts), on 10.231.77.0/24, one daemon in each, and the invite
 * carries no address, so mDNS is the only way they can meet. Where
 * namespaces cannot be made (not root, no `ip`), the test runs both daemons
 * on loopback with mDNS and says so.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary, HistoryResponse, InviteResponse, PeersResponse } from '@causette/node'
import { DaemonProcess, eventually, type TempDir, tempDir } from './fixtures/daemons.ts'
import { Lan as RealLan } from './fixtures/lan.ts'

const SUBNET = '10.231.77'

interface Lan {
  /** Namespace of each host, or undefined on loopback. */
  hosts: [string | undefined, string | undefined]
  addresses: [string, string]
  teardown: () => Promise<void>
  why?: string
}

/** Two hosts on a bridge; or loopback if namespaces cannot be made here. */
async function makeLan(): Promise<Lan> {
  try {
    const lan = await RealLan.create(2, SUBNET)
    return { hosts: [lan.hosts[0], lan.hosts[1]], addresses: [lan.address(0), lan.address(1)], teardown: () => lan.teardown() }
  } catch (err) {
    return { hosts: [undefined, undefined], addresses: ['127.0.0.1', '127.0.0.1'], teardown: async () => {}, why: (err as Error).message }
  }
}

describe('LAN with no configuration', () => {
  let dirs: TempDir
  let lan: Lan
  const daemons: DaemonProcess[] = []

  before(async () => {
    dirs = await tempDir()
    lan = await makeLan()
  })

  after(async () => {
    await Promise.all(daemons.map((d) => d.kill()))
    await lan?.teardown()
    await dirs?.remove()
  })

  it('finds the other daemon by mDNS and syncs a group both ways', async (t) => {
    if (lan.why === undefined) t.diagnostic(`two network namespaces on one bridge, on ${SUBNET}.0/24`)
    else t.diagnostic(`network namespaces are not available here (${lan.why}): falling back to two daemons on loopback`)
    // no --no-mdns, no bootstrap: every interface, free ports, mDNS on
    const flags = ['--api-port', '0', '--p2p-port', '0', ...(lan.why === undefined ? [] : ['--listen-host', '127.0.0.1'])]
    const [alice, bob] = await Promise.all(
      lan.hosts.map((netns, i) => DaemonProcess.start(join(dirs.path, `host-${i}`), flags, netns === undefined ? {} : { netns }))
    )
    daemons.push(alice as DaemonProcess, bob as DaemonProcess)
    if (lan.why === undefined) {
      assert.ok(
        (alice as DaemonProcess).ready.addresses.some((a) => a.startsWith(`/ip4/${lan.addresses[0]}/tcp/`)),
        'Alice listens on the LAN'
      )
    }

    const { group } = await (alice as DaemonProcess).cliJson<{ group: GroupSummary }>(['create', 'Hut'])
    const invite = await (alice as DaemonProcess).cliJson<InviteResponse>(['invite', group.id, '--no-addresses'])
    assert.deepEqual(invite.addresses, [], 'the link says nothing about where Alice is')
    await (bob as DaemonProcess).cliJson(['join', invite.link])

    await (alice as DaemonProcess).cliJson(['send', group.id, 'Anyone at the hut?'])
    await eventually(
      async () =>
        (await (bob as DaemonProcess).cliJson<HistoryResponse>(['history', group.id])).messages.some((m) => m.text === 'Anyone at the hut?'),
      "Alice's message to reach Bob over the LAN",
      60_000
    )
    await (bob as DaemonProcess).cliJson(['send', group.id, 'Here, by the stove'])
    await eventually(
      async () =>
        (await (alice as DaemonProcess).cliJson<HistoryResponse>(['history', group.id])).messages.some((m) => m.text === 'Here, by the stove'),
      "Bob's reply to reach Alice",
      60_000
    )

    const { peers } = await (bob as DaemonProcess).cliJson<PeersResponse>(['peers'])
    const found = peers.find((p) => p.peer === (alice as DaemonProcess).ready.peerId)
    assert.ok(found !== undefined, 'Bob is connected to Alice')
    assert.ok(
      found.addresses.some((a) => a.startsWith(`/ip4/${lan.addresses[0]}/`)),
      `over Alice's LAN address, not another way: ${found.addresses.join(', ')}`
    )
  })
})
