/**
 * One sync session per (group, peer) at a time, whoever asks (core's
 * sync/sync-coalescing.ts): a burst of `sync` calls between two real peers
 * all succeed, in two sessions, where each used to open a stream and those
 * past the peer's limit of inbound sync streams failed; a call made during
 * a session is answered by a session begun after it, so it sees what was
 * written before it asked; a caller giving up does not stop the session
 * others wait for.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SyncCoalescing } from '../../core/src/sync/sync-coalescing.ts'
import { connect, shareGroup, startPeers, stopAll, waitForJoins } from '../fixtures/peers.ts'

describe('sync sessions coalesced per group and peer', () => {
  it('answers 40 sync calls at once between two peers, all in two sessions', async () => {
    const peers = await startPeers(2, { transport: 'tcp' })
    const [a, b] = peers as [(typeof peers)[0] & {}, (typeof peers)[1] & {}]
    try {
      const group = await shareGroup(peers)
      await connect(a, b)
      await waitForJoins(peers, group, 15_000)
      await a.peer.send(group, { type: 'message', text: 'before the burst' })
      const results = await Promise.allSettled(Array.from({ length: 40 }, () => a.peer.sync(group, b.peer.peerId)))
      const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))
      assert.deepEqual(failed, [], 'every call is answered')
      // callers sharing a session get its one result: the burst took the session running when it came (or one
      // started for its first call) and the one after (an automatic sync may have been running besides)
      const sessions = new Set(results.map((r) => (r as PromiseFulfilledResult<unknown>).value))
      assert.ok(sessions.size <= 2, `${sessions.size} sessions for 40 calls`)
      assert.ok((await b.peer.group(group).view.messages({ limit: 5 })).messages.some((m) => m.text === 'before the burst'))
    } finally {
      await stopAll(peers)
    }
  })

  it('gives a call made during a session the session after it, shared by every such call', async () => {
    const coalescing = new SyncCoalescing<number>()
    const starts: Array<() => void> = []
    let begun = 0
    const start = () => {
      const n = ++begun
      return new Promise<number>((resolve) => starts.push(() => resolve(n)))
    }
    const first = coalescing.run('g/p', start)
    const second = coalescing.run('g/p', start)
    const third = coalescing.run('g/p', start)
    const other = coalescing.run('g/q', start)
    assert.equal(begun, 2, 'one session per key now; the calls during it wait')
    starts.shift()?.()
    assert.equal(await first, 1)
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(begun, 3, 'the session after the first begins once it ends')
    starts.shift()?.() // g/q
    starts.shift()?.() // the shared second session of g/p
    assert.deepEqual(await Promise.all([second, third, other]), [3, 3, 2])
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(coalescing.size, 0, 'nothing left once all ended')
  })

  it('lets a caller give up waiting without stopping the session others share', async () => {
    const coalescing = new SyncCoalescing<string>()
    let finish: (v: string) => void = () => {}
    const start = () => new Promise<string>((resolve) => (finish = resolve))
    const leaving = new AbortController()
    const staying = coalescing.run('g/p', start)
    const gone = coalescing.run('g/p', start, leaving.signal)
    leaving.abort(new Error('the person pressed Ctrl-C'))
    await assert.rejects(gone, /Ctrl-C/)
    finish('done')
    assert.equal(await staying, 'done')
    // the session after it, which the leaver had asked for, still runs to its end
    await new Promise((resolve) => setImmediate(resolve))
    finish('after')
    await new Promise((resolve) => setImmediate(resolve))
    // a session that failed leaves no trace: the next call starts one
    const failing = coalescing.run('g/p', () => Promise.reject(new Error('stream reset')))
    await assert.rejects(failing, /stream reset/)
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(await coalescing.run('g/p', () => Promise.resolve('again')), 'again')
  })
})
