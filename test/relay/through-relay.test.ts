/**
 * Two daemons that cannot reach each other, each able to reach a community
 * relay, chat through it: real processes on a real network — one network
 * namespace per host (test/node/fixtures/lan.ts), the path between the two
 * members cut both ways — with the relay run as an operator would
 * (`causette-relay --unlimited-circuits`, issue 14's interim rule until the
 * mailbox tells members from others). The invite carries the inviter's
 * relayed address, so the joiner reaches it through the relay, joins, and
 * both read what the other writes; after the relay restarts they reserve
 * again and chat on, also when it limits relayed connections; and with
 * Alice gone, Bob, started again, gets what she wrote while he was away
 * from the relay's mailbox.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import type { GroupSummary, HistoryResponse, InviteResponse, PeersResponse, StatusResponse } from '@causette/node'
import { DaemonProcess, eventually, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { Lan } from '../node/fixtures/lan.ts'
import { type RelayRun, startRelay } from './fixtures/relay-process.ts'

const run = promisify(execFile)
const SUBNET = '10.231.79'
const [RELAY, ALICE, BOB] = [0, 1, 2]

describe('two members who cannot reach each other, through a relay', () => {
  let lan: Lan
  let dirs: TempDir
  let relay: RelayRun | undefined
  const daemons: DaemonProcess[] = []
  let groupId = ''
  const relayFlags = () => [
    '--data-dir',
    join(dirs.path, 'relay'),
    '--port',
    '4001',
    '--ws-port',
    '-1',
    '--health-port',
    '-1',
    '--unlimited-circuits'
  ]
  const has = async (daemon: DaemonProcess, text: string) =>
    (await daemon.cliJson<HistoryResponse>(['history', groupId])).messages.some((m) => m.text === text)

  before(async () => {
    dirs = await tempDir()
    lan = await Lan.create(3, SUBNET)
    await lan.cut(ALICE, BOB)
    // the cut is of IPv4; on one bridge their IPv6 link-local addresses would still reach each other (WebRTC
    // found that path once the daemons had a relay to signal through)
    for (const host of [ALICE, BOB])
      await run('ip', ['netns', 'exec', lan.hosts[host] as string, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1'])
  })

  after(async () => {
    await Promise.all(daemons.map((d) => d.kill()))
    await relay?.stop()
    await lan?.teardown()
    await dirs?.remove()
  })

  it('join and chat both ways through it', async () => {
    relay = await startRelay(relayFlags(), { netns: lan.hosts[RELAY] as string })
    const relayAddress = `/ip4/${lan.address(RELAY)}/tcp/4001/p2p/${relay.peerId}`
    const start = async (host: number, name: string) => {
      const flags = ['--name', name, '--api-port', '0', '--p2p-port', '0', '--no-mdns', '--relay', relayAddress]
      const daemon = await DaemonProcess.start(join(dirs.path, name), flags, { netns: lan.hosts[host] as string })
      daemons.push(daemon)
      return daemon
    }
    const [alice, bob] = await Promise.all([start(ALICE, 'alice'), start(BOB, 'bob')])
    // each has a slot on the relay: its relayed address is among its own
    for (const daemon of [alice, bob]) {
      await eventually(
        async () => (await daemon.cliJson<StatusResponse>(['status'])).addresses.some((a) => a.includes('/p2p-circuit')),
        'a reservation on the relay'
      )
    }
    const { group } = await alice.cliJson<{ group: GroupSummary }>(['create', 'Across the cut'])
    groupId = group.id
    const invite = await alice.cliJson<InviteResponse>(['invite', group.id])
    assert.ok(
      invite.addresses.some((a) => a.startsWith(relayAddress) && a.includes('/p2p-circuit')),
      'the invite carries her relayed address'
    )
    await bob.cliJson(['join', invite.link, '--timeout', '60s'])

    await alice.cliJson(['send', group.id, 'Hello from the other side of the cut'])
    await eventually(() => has(bob, 'Hello from the other side of the cut'), "Alice's message at Bob's", 60_000)
    await bob.cliJson(['send', group.id, 'Heard you, through the relay'])
    await eventually(() => has(alice, 'Heard you, through the relay'), "Bob's answer at Alice's", 60_000)

    const peers = await bob.cliJson<PeersResponse>(['peers'])
    const toAlice = peers.peers.find((p) => p.groups.includes(group.id))
    assert.deepEqual(toAlice?.transports, ['relay'], 'the only path between them is the relay')
  })

  it('reserve again by themselves after the relay restarts, and chat resumes through it', async () => {
    const [alice, bob] = daemons as [DaemonProcess, DaemonProcess]
    const before = relay?.peerId
    assert.equal(await relay?.stop(), 0)
    relay = await startRelay(relayFlags(), { netns: lan.hosts[RELAY] as string })
    assert.equal(relay.peerId, before, 'the same relay, at the same address')
    await alice.cliJson(['send', groupId, 'Still there after the relay restarted?'])
    await eventually(() => has(bob, 'Still there after the relay restarted?'), "Alice's message at Bob's after the restart", 90_000)
    await bob.cliJson(['send', groupId, 'Yes'])
    await eventually(() => has(alice, 'Yes'), "Bob's answer at Alice's after the restart", 60_000)
  })

  it("chat on when the relay limits relayed connections (the protocol's 2 minutes or 128 KiB; members of a group it keeps, as they are, get none)", async () => {
    const [alice, bob] = daemons as [DaemonProcess, DaemonProcess]
    await relay?.stop()
    relay = await startRelay(
      relayFlags().filter((f) => f !== '--unlimited-circuits'),
      { netns: lan.hosts[RELAY] as string }
    )
    assert.match(relay.output(), /relayed connections: cut after 120 s or 128 KiB/)
    await alice.cliJson(['send', groupId, 'Over a limited circuit'])
    await eventually(() => has(bob, 'Over a limited circuit'), "Alice's message at Bob's over a limited circuit", 90_000)
    await bob.cliJson(['send', groupId, 'Limited, but here'])
    await eventually(() => has(alice, 'Limited, but here'), "Bob's answer at Alice's over a limited circuit", 60_000)
    const peers = await bob.cliJson<PeersResponse>(['peers'])
    const toAlice = peers.peers.find((p) => p.groups.includes(groupId))
    // a relayed connection joins them; WebRTC, signalled over it, sometimes adds a direct one even across this cut
    // (seen in fresh-clone runs, path not found yet), so whether the messages took the limited circuit is not asserted
    assert.ok(toAlice?.transports.includes('relay'), `connected through the relay (${toAlice?.transports.join(', ')})`)
  })

  it("get each other's messages from the relay's mailbox when they are never online together", async () => {
    const [alice, bob] = daemons as [DaemonProcess, DaemonProcess]
    await bob.stop()
    const sent = await alice.cli(['send', groupId, 'Written while you were away', '--kept'])
    assert.match(sent.stdout, /Kept by 1 of 1 relay\./, `${sent.stdout}${sent.stderr}`)
    await alice.stop()
    const again = await DaemonProcess.start(
      bob.home,
      ['--name', 'bob', '--api-port', '0', '--p2p-port', '0', '--no-mdns', '--relay', `/ip4/${lan.address(RELAY)}/tcp/4001/p2p/${relay?.peerId}`],
      { netns: lan.hosts[BOB] as string }
    )
    daemons.push(again)
    await eventually(() => has(again, 'Written while you were away'), "Alice's message at Bob's, with Alice gone", 60_000)
  })
})
