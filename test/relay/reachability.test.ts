/**
 * A daemon learns from its relay whether others can reach it directly, and
 * `causette status` says so in words: real processes on a real network, one
 * namespace per host — the relay, a daemon anyone can connect to, and one
 * behind a firewall that lets it open connections but accept none.
 *
 * The network uses addresses from a public range, inside its own namespaces
 * only (they route nowhere else): AutoNAT dials back public addresses only,
 * as a relay on the internet would see them.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { StatusResponse } from '@causette/node'
import { DaemonProcess, ISOLATED, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { Lan } from '../node/fixtures/lan.ts'
import { type RelayRun, startRelay } from './fixtures/relay-process.ts'

const SUBNET = '11.231.82'
const [RELAY, OPEN, WALLED] = [0, 1, 2]

/** Polls `causette status` until its reachability is no longer unknown; the last status either way. */
async function settledStatus(daemon: DaemonProcess, timeoutMs = 60_000): Promise<{ status: StatusResponse; text: string }> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    const status = await daemon.cliJson<StatusResponse>(['status'])
    if (status.reachability.state !== 'unknown' || Date.now() > deadline) {
      const text = (await daemon.cli(['status'])).stdout
      return { status, text }
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

describe("a daemon's reachability, as its relay finds it", () => {
  let lan: Lan
  let dirs: TempDir
  let relay: RelayRun | undefined
  const daemons: DaemonProcess[] = []

  before(async () => {
    dirs = await tempDir()
    lan = await Lan.create(3, SUBNET)
    await lan.blockInbound(WALLED)
  })

  after(async () => {
    await Promise.all(daemons.map((d) => d.kill()))
    await relay?.stop()
    await lan?.teardown()
    await dirs?.remove()
  })

  it('says a daemon is reachable at the address the relay dialled, and a firewalled one is reached through the relay', async () => {
    relay = await startRelay(['--data-dir', join(dirs.path, 'relay'), '--port', '4001', '--ws-port', '-1', '--health-port', '-1'], {
      netns: lan.hosts[RELAY] as string
    })
    const relayAddress = `/ip4/${lan.address(RELAY)}/tcp/4001/p2p/${relay.peerId}`
    const start = async (host: number, name: string) => {
      const flags = ['--name', name, '--api-port', '0', '--p2p-port', '7431', '--no-mdns', '--relay', relayAddress]
      const daemon = await DaemonProcess.start(join(dirs.path, name), flags, { netns: lan.hosts[host] as string })
      daemons.push(daemon)
      return daemon
    }
    const [open, walled] = await Promise.all([start(OPEN, 'open'), start(WALLED, 'walled')])

    const reachable = await settledStatus(open)
    const openAddress = `/ip4/${lan.address(OPEN)}/tcp/7431`
    assert.equal(reachable.status.reachability.state, 'reachable', reachable.text)
    // TCP, and the WebSockets port after it
    assert.deepEqual(reachable.status.reachability.addresses, [openAddress, `/ip4/${lan.address(OPEN)}/tcp/7432/ws`])
    assert.equal(reachable.status.reachability.checkedBy, relay.peerId)
    assert.match(
      reachable.text,
      new RegExp(
        `^ {2}Reachable from the internet at ${openAddress}, ${openAddress.replace('7431', '7432/ws')} \\(dialled back by its relay at `,
        'm'
      )
    )
    // confirmed, so announced: its public address is now among those it gives others (invites, identify)
    assert.ok(
      reachable.status.addresses.some((a) => a.startsWith(`${openAddress}/p2p/`)),
      reachable.status.addresses.join(' ')
    )

    const walledOff = await settledStatus(walled)
    const walledAddress = `/ip4/${lan.address(WALLED)}/tcp/7431`
    assert.equal(walledOff.status.reachability.state, 'unreachable', walledOff.text)
    assert.equal(walledOff.status.reachability.reason, 'dial-back-failed')
    assert.deepEqual(walledOff.status.reachability.addresses, [walledAddress, `/ip4/${lan.address(WALLED)}/tcp/7432/ws`])
    const relayed = `${relayAddress}/p2p-circuit/p2p/${walled.ready.peerId}`
    assert.deepEqual(walledOff.status.reachability.relayed, [relayed])
    assert.match(
      walledOff.text,
      new RegExp(
        `^ {2}Not reachable directly \\(behind NAT or a firewall: its relay could not dial ${walledAddress}, ${walledAddress.replace('7431', '7432/ws')} at [^)]+\\); others reach this daemon through relay ${relayed}$`,
        'm'
      )
    )
    assert.ok(!walledOff.status.addresses.some((a) => a.startsWith(walledAddress)), 'an address nobody can dial is not announced')
  })

  it('says it does not know without a relay to ask', async () => {
    const alone = await DaemonProcess.start(join(dirs.path, 'alone'), ISOLATED, { netns: lan.hosts[OPEN] as string })
    daemons.push(alone)
    const status = await alone.cliJson<StatusResponse>(['status'])
    assert.deepEqual([status.reachability.state, status.reachability.reason], ['unknown', 'no-relay'])
    assert.match(
      (await alone.cli(['status'])).stdout,
      /^ {2}Reachability not known: no relay to check it \(start the daemon with --relay <address>\)$/m
    )
  })
})
