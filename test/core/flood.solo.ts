/**
 * The flood test runs alone (npm test runs *.solo.ts files after the rest,
 * one at a time): it asserts delivery within a second, which a machine busy
 * with other test files cannot promise.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { inviteLink } from '@causette/core'
import { connectAll, logOf, shareGroup, startPeers, stopAll, type TestPeer, waitForJoins, waitForMembers } from '../fixtures/peers.ts'
import { DeliveryProbe, startFlooder } from './hostile/flood-run.ts'
import { memoryPeak } from './hostile/memory-peak.ts'

const running: TestPeer[][] = []
after(async () => {
  for (const peers of running) await stopAll(peers)
})

function summary(line: string): void {
  console.log(`hostile peers: ${line}`)
}

describe('hostile peers: a flood', () => {
  it('keeps honest messages flowing within a second while a member publishes 10,000 entries a second, throttles it and cuts it off', {
    timeout: 120_000
  }, async () => {
    const peers = await startPeers(3, { transport: 'tcp' })
    running.push(peers)
    const groupId = await shareGroup(peers, 'Climbing')
    await connectAll(peers)
    await waitForJoins(peers, groupId)
    await waitForMembers(peers, groupId, 2)
    const invite = await (peers[0] as TestPeer).peer.createInvite(groupId)
    const flooder = startFlooder({
      invite: inviteLink(invite),
      dial: peers.map((p) => p.peer.multiaddrs()[0] as string),
      rate: FLOOD_RATE,
      seconds: FLOOD_SECONDS
    })
    const { peer: floodPeer, author: floodAuthor } = await flooder.ready
    const connectedTo = (p: TestPeer) => p.peer.libp2p.getConnections().some((c) => c.remotePeer.toString() === floodPeer)
    const probe = new DeliveryProbe(peers, groupId)
    const heap = memoryPeak()
    // when each honest peer first cut the flooder off
    const cutAt = new Map<TestPeer, number>()
    for (const p of peers) {
      p.peer.libp2p.addEventListener('peer:disconnect', (evt) => {
        if (evt.detail.toString() === floodPeer && !cutAt.has(p)) cutAt.set(p, performance.now())
      })
    }
    const lowest = new Map<TestPeer, number>()
    const watch = setInterval(() => {
      for (const p of peers) lowest.set(p, Math.min(lowest.get(p) ?? 0, scoreOf(p, floodPeer)))
    }, 100)
    // each honest member writes ten messages a second while the flood lasts, on a fixed schedule:
    // a message due while this process was busy counts from when it was due, not from when it went out
    let n = 0
    const started = performance.now()
    const chat = setInterval(() => {
      while (started + (n / peers.length) * 100 <= performance.now()) {
        const due = started + Math.floor(n / peers.length) * 100
        probe.send(peers[n % peers.length] as TestPeer, `honest ${n++}`, due)
      }
    }, 10)
    const report = await flooder.done
    clearInterval(chat)
    clearInterval(watch)
    await probe.settle()
    const peakMb = heap.stop()
    const delivered = probe.withinMs(1000)
    const lastCut = Math.max(...cutAt.values())
    const afterCut = probe.withinMs(1000, lastCut)
    const cutOff = peers.filter((p) => !connectedTo(p)).length
    const floodKept = Math.max(...peers.map((p) => logOf(p, groupId).authorSeqs().get(floodAuthor) ?? 0))
    const percent = (d: { ok: number; total: number }) => `${d.ok}/${d.total} (${((100 * d.ok) / d.total).toFixed(1)} %)`
    summary(
      `flood of ${report.published.toLocaleString('en-US')} valid entries in ${FLOOD_SECONDS} s (${Math.round(report.published / FLOOD_SECONDS).toLocaleString('en-US')}/s) → ` +
        `honest deliveries within 1 s of being due: ${percent(delivered)} over the whole flood (target 99 %: ${delivered.ok >= 0.99 * delivered.total ? 'met' : 'missed'}), ` +
        `${percent(afterCut)} once the flooder was cut off (after ${Math.round(lastCut - started)} ms), slowest ${delivered.slowestMs} ms, ${delivered.arrived}/${delivered.total} arrived in the end; ` +
        `flooder's lowest gossip score ${[...lowest.values()].map((s) => s.toFixed(0)).join(', ')}, cut off by ${cutOff}/3 (its ${report.redials} redials got it ${report.connected} connections back); ` +
        `its chain taken in up to seq ${floodKept}; heap peak +${peakMb.toFixed(0)} MB`
    )
    assert.ok(report.published >= FLOOD_RATE * FLOOD_SECONDS * 0.5, `the flood reached ${report.published} entries`)
    assert.equal(delivered.arrived, delivered.total, 'every honest message reached every honest peer')
    // until the flood is detected (about a second, more on a busy machine) the honest peers of this one
    // process share its load; once the flooder is cut off, delivery must be as if there were no flood
    assert.ok(lastCut - started < FLOOD_SECONDS * 1000, `the flooder was cut off ${Math.round(lastCut - started)} ms into the flood`)
    assert.ok(afterCut.ok >= 0.99 * afterCut.total, `${percent(afterCut)} honest deliveries within 1 s once the flooder was cut off`)
    assert.ok(
      peers.every((p) => (lowest.get(p) ?? 0) < -GRAYLIST_SCORE || !connectedTo(p)),
      'every honest peer graylisted or dropped the flooder'
    )
    assert.equal(cutOff, 3, 'every honest peer cut the flooder off')
    assert.ok(peakMb < 256, `heap peak +${peakMb.toFixed(0)} MB`)
  })
})

const FLOOD_RATE = 10_000
const FLOOD_SECONDS = 6
/** gossipsub's graylist threshold (create-libp2p.ts): below it a peer's messages are dropped unread. */
const GRAYLIST_SCORE = 80

function scoreOf(p: TestPeer, peer: string): number {
  return (p.peer.libp2p.services.pubsub as unknown as { getScore(id: string): number }).getScore(peer)
}
