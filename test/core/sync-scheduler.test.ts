import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { syncScheduler } from '@causette/core'

describe('sync scheduler', () => {
  it('runs one session per group and peer at a time, coalescing requests made meanwhile into one more run', async () => {
    const runs: string[] = []
    let release: () => void = () => {}
    const scheduler = syncScheduler(async (groupId, peer) => {
      runs.push(`${groupId}/${peer}`)
      await new Promise<void>((resolve) => {
        release = resolve
      })
    })
    scheduler.request('g', 'p')
    scheduler.request('g', 'p')
    scheduler.request('g', 'p')
    assert.equal(runs.length, 1)
    release()
    await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(runs.length, 2, 'the requests made during the first run became one more')
    release()
    await scheduler.stop()
  })

  it('tries a failed session again, then gives up', async () => {
    let calls = 0
    const scheduler = syncScheduler(async () => {
      calls++
      throw new Error('stream broke')
    })
    scheduler.request('g', 'p')
    await new Promise((resolve) => setTimeout(resolve, 2500))
    assert.equal(calls, 2, 'one retry after about 2 s')
    await scheduler.stop()
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.equal(calls, 2, 'nothing runs after stop')
  })
})
