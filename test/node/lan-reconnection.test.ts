/**
 * Members that lose each other on a LAN find each other again. Three real
 * daemons, one per network namespace, on one bridge (fixtures/lan.ts):
 * a partition between two of them heals; two restart on new ports during a
 * partition and the third goes away; one gets a new address while the
 * others run. Each time the members must be connected again, and the
 * message that proves it must arrive, within 30 s.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, afterEach, before, describe, it } from 'node:test'
import type { GroupSummary, HistoryResponse, InviteResponse, PeersResponse, StatusResponse } from '@causette/node'
import { DaemonProcess, eventually, type TempDir, tempDir } from './fixtures/daemons.ts'
import { Lan } from './fixtures/lan.ts'

const SUBNET = '10.231.78'
const HEAL_WITHIN_MS = 30_000
const NAMES = ['Alice', 'Bob', 'Carol'] as const
const [A, B, C] = [0, 1, 2] as const

describe('members that lose each other on a LAN find each other again', () => {
  let dirs: TempDir
  let lan: Lan
  let daemons: DaemonProcess[] = []
  let round = 0

  before(async () => {
    dirs = await tempDir()
    lan = await Lan.create(3, SUBNET)
  })

  afterEach(async () => {
    await Promise.all(daemons.map((d) => d.kill()))
    daemons = []
    // a test that failed between its cut and its heal leaves the next a whole LAN, not its own failure to start
    await lan.healAll()
  })

  after(async () => {
    await lan?.teardown()
    await dirs?.remove()
  })

  /** Starts (or restarts, on the same data directory) host i's daemon, with mDNS on. */
  async function startHost(i: number, port: 'fixed' | 'free'): Promise<DaemonProcess> {
    const flags = ['--name', NAMES[i] as string, '--api-port', '0', '--p2p-port', port === 'fixed' ? '7431' : '0']
    const daemon = await DaemonProcess.start(join(dirs.path, `round-${round}`, `host-${i}`), flags, { netns: lan.hosts[i] as string })
    daemons[i] = daemon
    return daemon
  }

  /** Three daemons in one group, Alice's; resolves once each has both others online. */
  async function threeMembers(port: 'fixed' | 'free'): Promise<string> {
    round++
    const [alice, bob, carol] = await Promise.all([0, 1, 2].map((i) => startHost(i, port)))
    const { group } = await (alice as DaemonProcess).cliJson<{ group: GroupSummary }>(['create', 'Hut'])
    for (const joiner of [bob, carol] as DaemonProcess[]) {
      const invite = await (alice as DaemonProcess).cliJson<InviteResponse>(['invite', group.id])
      await joiner.cliJson(['join', invite.link])
    }
    await eventually(async () => (await Promise.all([A, B, C].map((i) => online(i, group.id)))).every((n) => n === 2), 'a full mesh of three', 60_000)
    return group.id
  }

  async function status(i: number, groupId: string) {
    const all = await (daemons[i] as DaemonProcess).cliJson<StatusResponse>(['status'])
    return all.groups.find((g) => g.id === groupId)
  }

  async function online(i: number, groupId: string): Promise<number> {
    return (await status(i, groupId))?.online ?? -1
  }

  async function has(i: number, groupId: string, text: string): Promise<boolean> {
    const history = await (daemons[i] as DaemonProcess).cliJson<HistoryResponse>(['history', groupId])
    return history.messages.some((m) => m.text === text)
  }

  it('is a full mesh again within 30 s of a partition healing (fixed ports)', async () => {
    const groupId = await threeMembers('fixed')
    await lan.cut(A, C)
    await eventually(
      async () => (await online(A, groupId)) === 1 && (await online(C, groupId)) === 1,
      'Alice and Carol to see each other gone',
      90_000
    )
    // what a person is told while the link is down
    const told = await (daemons[A] as DaemonProcess).cli(['status'])
    assert.match(told.stdout, /1 of 2 other members online; Carol unreachable since \d{4}-\d\d-\d\d \d\d:\d\d/)
    // Carol's own signals still reach Alice through Bob: she is online, and Alice is told her direct link is gone
    await (daemons[C] as DaemonProcess).cliJson(['typing', groupId])
    let members = ''
    await eventually(
      async () => {
        members = (await (daemons[A] as DaemonProcess).cli(['members', groupId])).stdout
        return /Carol .*online through other members \(no direct connection since \d{4}-\d\d-\d\d \d\d:\d\d\)/.test(members)
      },
      "Alice's members to say Carol is online through others",
      10_000
    ).catch(async (err) => {
      const { peers } = await (daemons[A] as DaemonProcess).cliJson<PeersResponse>(['peers'])
      throw new Error(`${(err as Error).message}\nAlice's members:\n${members}\nAlice's connections: ${JSON.stringify(peers)}`)
    })
    assert.match(members, /Bob .*, online$/m)
    // the messages still flow through Bob meanwhile
    await (daemons[A] as DaemonProcess).cliJson(['send', groupId, 'Through Bob'])
    await eventually(() => has(C, groupId, 'Through Bob'), "Alice's message to reach Carol through Bob")

    await lan.heal(A, C)
    const healed = Date.now()
    await eventually(
      async () => (await Promise.all([A, B, C].map((i) => online(i, groupId)))).every((n) => n === 2),
      'a full mesh again',
      HEAL_WITHIN_MS
    )
    const after = await (daemons[A] as DaemonProcess).cli(['status'])
    assert.match(after.stdout, /^ +2 of 2 other members online$/m)
    assert.ok(Date.now() - healed <= HEAL_WITHIN_MS)
  })

  it('delivers a message from Alice to Carol within 30 s of the heal after both restarted on new ports and Bob left', async () => {
    const groupId = await threeMembers('free')
    await lan.cut(A, C)
    const portOf = (d: DaemonProcess) => d.ready.addresses.find((a) => a.includes('/tcp/') && !a.includes('/ws'))?.split('/')[4]
    for (const i of [A, C]) {
      const before = portOf(daemons[i] as DaemonProcess)
      await (daemons[i] as DaemonProcess).kill('SIGKILL')
      const restarted = await startHost(i, 'free')
      assert.notEqual(portOf(restarted), before, `${NAMES[i]} came back on a new port`)
      await eventually(async () => (await online(i, groupId)) >= 1, `${NAMES[i]} to be back in the group through Bob`, 60_000)
    }
    await lan.heal(A, C)
    const healed = Date.now()
    await (daemons[B] as DaemonProcess).stop()
    await (daemons[A] as DaemonProcess).cliJson(['send', groupId, 'Still there, Carol?'])
    await eventually(() => has(C, groupId, 'Still there, Carol?'), "Alice's message to reach Carol directly", HEAL_WITHIN_MS)
    assert.ok(Date.now() - healed <= HEAL_WITHIN_MS)
    assert.equal(await online(A, groupId), 1, 'Alice and Carol are connected to each other')
    assert.equal(await online(C, groupId), 1)
  })

  it('finds again a member whose address changed while the others ran (a new DHCP lease)', async () => {
    const groupId = await threeMembers('free')
    const carolPeer = (daemons[C] as DaemonProcess).ready.peerId
    await lan.renumber(C, 13)
    const renumbered = Date.now()
    for (const i of [A, B]) {
      await eventually(
        async () => {
          const { peers } = await (daemons[i] as DaemonProcess).cliJson<PeersResponse>(['peers'])
          const carol = peers.find((p) => p.peer === carolPeer)
          return carol?.addresses.some((a) => a.startsWith(`/ip4/${lan.address(C)}/`)) === true && (await online(i, groupId)) === 2
        },
        `${NAMES[i]} to reach Carol at her new address ${lan.address(C)}`,
        HEAL_WITHIN_MS - (Date.now() - renumbered)
      )
    }
    await (daemons[B] as DaemonProcess).cliJson(['send', groupId, 'New address?'])
    await eventually(() => has(C, groupId, 'New address?'), "Bob's message to reach Carol", HEAL_WITHIN_MS)
    assert.ok(Date.now() - renumbered <= 2 * HEAL_WITHIN_MS)
  })
})
