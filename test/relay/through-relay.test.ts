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
      return DaemonProcess.start(join(dirs.path, name), flags, { netns: lan.hosts[host] as string })
    }
    const started = await Promise.allSettled([start(ALICE, 'alice'), start(BOB, 'bob')])
    // in this order whichever was ready first (the steps below take them by position), and each that started is stopped after
    for (const s of started) if (s.status === 'fulfilled') daemons.push(s.value)
    const failed = started.find((s) => s.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    const [alice, bob] = daemons as [DaemonProcess, DaemonProcess]
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
    // messages may also come by the relay's gossip now: the reservations themselves are what this step is about
    for (const daemon of [alice, bob]) {
      await eventually(
        async () => (await daemon.cliJson<StatusResponse>(['status'])).addresses.some((a) => a.includes('/p2p-circuit')),
        'a reservation on the restarted relay, made again by the daemon itself',
        60_000
      )
    }
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
    // the messages may have come by the relay's gossip already (it follows the group): the members' own link
    // through the relay is made again by their member links
    let transports: string[] | undefined
    await eventually(
      async () => {
        const peers = await bob.cliJson<PeersResponse>(['peers'])
        transports = peers.peers.find((p) => p.groups.includes(groupId))?.transports
        // a relayed connection joins them; WebRTC, signalled over it, sometimes adds a direct one even across this cut
        // (seen in fresh-clone runs, path not found yet), so whether the messages took the limited circuit is not asserted
        return transports?.includes('relay') === true
      },
      'Bob connected to Alice through the relay',
      60_000
    ).catch((err: Error) => {
      throw new Error(`${err.message} (${transports?.join(', ')})`)
    })
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

  it('live through the relay’s gossip when it relays no connections: it forwards what one writes to the other, serving nothing by sync', async () => {
    const bob = daemons.at(-1) as DaemonProcess
    const ns = lan.hosts[RELAY] as string
    await relay?.stop()
    // a mailbox only: no reservations, so no relayed connection can join the two
    const flags = relayFlags().filter((f, i, all) => f !== '-1' || all[i - 1] !== '--health-port')
    flags.splice(flags.indexOf('--health-port') + 1, 0, '8089')
    relay = await startRelay([...flags, '--max-reservations', '0'], { netns: ns })
    const metrics = async () => {
      const { stdout } = await run('ip', [
        'netns',
        'exec',
        ns,
        process.execPath,
        '-e',
        `fetch('${relay?.health}/metrics').then((r) => r.text()).then(console.log)`
      ])
      const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(stdout)?.[1] ?? Number.NaN)
      return {
        gossip: value('causette_relay_mailbox_gossip_entries_stored_total'),
        served: value('causette_relay_mailbox_entries_served_total'),
        topics: value('causette_relay_mailbox_gossip_topics')
      }
    }
    const alice = await DaemonProcess.start(
      join(dirs.path, 'alice'),
      ['--name', 'alice', '--api-port', '0', '--p2p-port', '0', '--no-mdns', '--relay', `/ip4/${lan.address(RELAY)}/tcp/4001/p2p/${relay.peerId}`],
      { netns: lan.hosts[ALICE] as string }
    )
    daemons.push(alice)
    const upToDate = async (daemon: DaemonProcess) =>
      (await daemon.cliJson<StatusResponse>(['status'])).groups
        .find((g) => g.id === groupId)
        ?.mailboxes.every((m) => m.state === 'kept' && m.upToDate) === true
    await eventually(async () => (await upToDate(alice)) && (await upToDate(bob)), 'both in step with the relay again', 90_000)
    await eventually(async () => (await metrics()).topics === 1, 'the relay to follow the group’s topic (told by Alice, its admin)', 60_000)
    const peers = await bob.cliJson<PeersResponse>(['peers'])
    assert.deepEqual(
      peers.peers.filter((p) => p.groups.includes(groupId)).map((p) => p.transports),
      [],
      'no connection joins Bob to a member of the group (the relay is none)'
    )
    const before = await metrics()
    await alice.cliJson(['send', groupId, 'Live, through the relay’s gossip'])
    await eventually(() => has(bob, 'Live, through the relay’s gossip'), 'Alice’s message at Bob’s, live', 60_000)
    const afterwards = await metrics()
    assert.ok(afterwards.gossip > before.gossip, `the relay took it by gossip (${before.gossip} → ${afterwards.gossip})`)
    assert.equal(afterwards.served, before.served, 'and served no entry by sync: Bob had it from the relay’s gossip')
  })
})
