/**
 * Two daemons that first meet through a relay end up on a direct
 * connection where a direct path exists (DCUtR): real processes on a real
 * network, one namespace per host, all on one bridge, mDNS off. Each daemon
 * reserves a slot on the relay and learns from it whether it is reachable
 * (a reachable one announces its public address). The joiner knows the
 * inviter only by her relayed address, so their first connection is a
 * limited relayed one; DCUtR replaces it with a direct TCP connection.
 *
 * Where both are reachable, js-libp2p finds the direct path by itself too
 * as soon as either opens a stream by peer id (it does not open streams on
 * a limited connection while it can dial a direct one), so the first case
 * shows what only DCUtR does there: the relayed connection is closed. The
 * second is where DCUtR is needed: the inviter is behind a firewall, so
 * nobody can dial her and her invite carries only her relayed address; she
 * dials the joiner directly as soon as he connects through the relay.
 *
 * The network uses addresses from a public range, inside its own namespaces
 * only: DCUtR, like AutoNAT, dials only public addresses.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { inviteLink, parseInvite } from '@causette/core'
import type { GroupSummary, HistoryResponse, InviteResponse, PeersResponse, StatusResponse } from '@causette/node'
import { DaemonProcess, eventually, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { Lan } from '../node/fixtures/lan.ts'
import { type RelayRun, startRelay } from './fixtures/relay-process.ts'

const SUBNET = '11.231.83'
const [RELAY, ALICE, BOB, CAROL] = [0, 1, 2, 3]

describe('two daemons that meet through a relay', () => {
  let lan: Lan
  let dirs: TempDir
  let relay: RelayRun | undefined
  let relayAddress = ''
  const daemons: DaemonProcess[] = []
  const start = async (host: number, name: string) => {
    const flags = ['--name', name, '--api-port', '0', '--p2p-port', '7431', '--no-mdns', '--relay', relayAddress]
    const daemon = await DaemonProcess.start(join(dirs.path, name), flags, { netns: lan.hosts[host] as string })
    daemons.push(daemon)
    return daemon
  }
  const settled = async (daemon: DaemonProcess, state: StatusResponse['reachability']['state']) =>
    eventually(async () => (await daemon.cliJson<StatusResponse>(['status'])).reachability.state === state, `its relay to find it ${state}`, 60_000)
  const connectionTo = async (daemon: DaemonProcess, other: DaemonProcess) =>
    (await daemon.cliJson<PeersResponse>(['peers'])).peers.find((p) => p.peer === other.ready.peerId)
  const has = async (daemon: DaemonProcess, groupId: string, text: string) =>
    (await daemon.cliJson<HistoryResponse>(['history', groupId])).messages.some((m) => m.text === text)

  before(async () => {
    dirs = await tempDir()
    lan = await Lan.create(4, SUBNET)
    await lan.blockInbound(CAROL)
  })

  after(async () => {
    await Promise.all(daemons.map((d) => d.kill()))
    await relay?.stop()
    await lan?.teardown()
    await dirs?.remove()
  })

  it('move to a direct connection (DCUtR) where they can reach each other, and chat over it', async () => {
    // the protocol's limits: the relayed connection is a limited one, as on any relay not run for its members
    relay = await startRelay(['--data-dir', join(dirs.path, 'relay'), '--port', '4001', '--ws-port', '-1', '--health-port', '-1'], {
      netns: lan.hosts[RELAY] as string
    })
    relayAddress = `/ip4/${lan.address(RELAY)}/tcp/4001/p2p/${relay.peerId}`
    const [alice, bob] = await Promise.all([start(ALICE, 'alice'), start(BOB, 'bob')])
    await Promise.all([settled(alice, 'reachable'), settled(bob, 'reachable')])

    const { group } = await alice.cliJson<{ group: GroupSummary }>(['create', 'Upgraded'])
    const invite = parseInvite((await alice.cliJson<InviteResponse>(['invite', group.id])).link)
    const relayed = invite.addresses.filter((a) => a.startsWith(`${relayAddress}/p2p-circuit/p2p/`))
    assert.equal(relayed.length, 1, `her relayed address is in the invite: ${invite.addresses.join(' ')}`)
    await bob.cliJson(['join', inviteLink({ ...invite, addresses: relayed }), '--timeout', '60s'])

    const toAlice = () => connectionTo(bob, alice)
    await eventually(
      async () => {
        const view = await toAlice()
        return view?.transports.includes('tcp') === true && !view.limited
      },
      'a direct, unlimited connection between them',
      30_000
    )
    const view = await toAlice()
    assert.deepEqual(view?.transports, ['tcp'], `DCUtR closes the relayed connection once the direct one is open: ${view?.addresses.join(' ')}`)
    assert.ok(
      view?.addresses.every((a) => a.startsWith(`/ip4/${lan.address(ALICE)}/tcp/`)),
      view?.addresses.join(' ')
    )

    await alice.cliJson(['send', group.id, 'Straight to you now'])
    await eventually(() => has(bob, group.id, 'Straight to you now'), "Alice's message at Bob's", 15_000)
  })

  it('a member behind a firewall, whom nobody can dial, dials the one who reached her through the relay', async () => {
    const bob = daemons[1] as DaemonProcess
    const carol = await start(CAROL, 'carol')
    await settled(carol, 'unreachable')
    const { group } = await carol.cliJson<{ group: GroupSummary }>(['create', 'From behind the firewall'])
    const invite = parseInvite((await carol.cliJson<InviteResponse>(['invite', group.id])).link)
    assert.ok(
      invite.addresses.every((a) => !a.startsWith(`/ip4/${lan.address(CAROL)}/`)),
      `an address nobody can dial is not in her invite: ${invite.addresses.join(' ')}`
    )
    await bob.cliJson(['join', inviteLink(invite), '--timeout', '60s'])
    // well before the group's anti-entropy (every 30 s) would have her open a stream to him, and so dial him
    await eventually(
      async () => {
        const view = await connectionTo(bob, carol)
        return view?.transports.includes('tcp') === true && !view.limited
      },
      'a direct, unlimited connection from her',
      10_000
    )
    const view = await connectionTo(bob, carol)
    const carolAt = `/ip4/${lan.address(CAROL)}/tcp/`
    const direct = view?.addresses.filter((a) => a.startsWith(carolAt)) ?? []
    // from a port of her own choosing: she dialled him (her listening port, 7431, nobody can reach)
    assert.ok(direct.length > 0 && direct.every((a) => !a.startsWith(`${carolAt}7431/`)), `she dialled him: ${view?.addresses.join(' ')}`)
    // DCUtR closes the relayed connection it replaced (joining also dialled her WebRTC address, signalled through the relay)
    assert.ok(!view?.addresses.some((a) => a.includes('/p2p-circuit/p2p/')), `no relayed connection left: ${view?.addresses.join(' ')}`)
    await carol.cliJson(['send', group.id, 'Through my own firewall'])
    await eventually(() => has(bob, group.id, 'Through my own firewall'), "Carol's message at Bob's", 15_000)
  })
})
