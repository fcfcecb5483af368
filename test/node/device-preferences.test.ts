/**
 * A device's own choices about its groups (the daemon's
 * device-preferences.ts), in a real SQLite store: a mute ends by itself when
 * its time is up, "forever" lasts until unmuted, the defaults are the
 * messengers' (mentions notify, receipts on), and all of it survives a
 * restart of the store.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { SqliteStore } from '@causette/node'
import { DevicePreferences } from '../../node/src/daemon/device-preferences.ts'
import { tempDir } from './fixtures/daemons.ts'

const GROUP = 'ab'.repeat(32)

describe('device preferences', () => {
  it('a mute for 8 hours ends by itself; one until unmuted lasts until unmute', async () => {
    const home = await tempDir()
    let now = Date.parse('2026-12-04T23:00:00Z')
    const store = await SqliteStore.open(join(home.path, 'causette.db'))
    try {
      const preferences = new DevicePreferences(store.tables.settings, () => now)
      assert.deepEqual(preferences.setMute(GROUP, 8 * 3_600_000), { until: now + 8 * 3_600_000 })
      now += 8 * 3_600_000 - 1
      assert.ok(preferences.mute(GROUP) !== undefined, 'still muted a moment before the end')
      now += 1
      assert.equal(preferences.mute(GROUP), undefined, 'no longer muted once the time is up')
      preferences.setMute(GROUP)
      now += 365 * 86_400_000
      assert.deepEqual(preferences.mute(GROUP), {})
      preferences.unmute(GROUP)
      assert.equal(preferences.mute(GROUP), undefined)
    } finally {
      await store.close()
      await home.remove()
    }
  })

  it('mentions notify and receipts are sent unless the person chose otherwise, and the choices survive a restart', async () => {
    const home = await tempDir()
    const path = join(home.path, 'causette.db')
    try {
      const store = await SqliteStore.open(path)
      const preferences = new DevicePreferences(store.tables.settings)
      assert.equal(preferences.notifyLevel(GROUP), 'mentions')
      assert.equal(preferences.sendsReceipts, true)
      preferences.setNotifyLevel(GROUP, 'all')
      preferences.setSendsReceipts(false)
      preferences.setReadPosition(GROUP, 'cd'.repeat(32))
      await store.close()
      const reopened = await SqliteStore.open(path)
      const after = new DevicePreferences(reopened.tables.settings)
      assert.equal(after.notifyLevel(GROUP), 'all')
      assert.equal(after.sendsReceipts, false)
      assert.equal(after.readPosition(GROUP), 'cd'.repeat(32))
      await reopened.close()
    } finally {
      await home.remove()
    }
  })
})
