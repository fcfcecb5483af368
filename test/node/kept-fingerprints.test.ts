/**
 * Safety-number fingerprints are computed once per key and kept in the
 * daemon's SQLite file (store/kept-fingerprints.ts, daemon/authors.ts): a
 * restarted daemon reads them back instead of hashing each member's key
 * 5,200 times again, which made a daemon with 50 groups of 10 authors take
 * seconds to answer their first histories.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fingerprint, fromHex, generateDeviceKey, toHex } from '@causette/core'
import { SqliteStore } from '@causette/node'
import { Authors } from '../../node/src/daemon/authors.ts'
import { tempDir } from './fixtures/daemons.ts'

describe('kept fingerprints', () => {
  it('a fingerprint computed once is kept in the store and read back after a restart', async () => {
    const home = await tempDir()
    const path = join(home.path, 'causette.db')
    const me = toHex((await generateDeviceKey()).publicKey)
    const member = toHex((await generateDeviceKey()).publicKey)
    try {
      const store = await SqliteStore.open(path)
      const authors = new Authors(
        me,
        () => 'Alice',
        () => me,
        store.tables.fingerprints
      )
      const computed = authors.fingerprint(member)
      assert.equal(computed, fingerprint(fromHex(member)), 'the safety-number fingerprint of the key')
      assert.equal(store.tables.fingerprints.get(member), computed, 'kept in the store as computed')
      await store.close()

      const reopened = await SqliteStore.open(path)
      try {
        assert.equal(reopened.tables.fingerprints.get(member), computed, 'still there after a restart')
        const again = new Authors(
          me,
          () => 'Alice',
          () => me,
          reopened.tables.fingerprints
        )
        assert.equal(again.fingerprint(member), computed)
        assert.equal(reopened.tables.fingerprints.get(toHex(new Uint8Array(32))), undefined, 'nothing kept for a key never shown')
      } finally {
        await reopened.close()
      }
    } finally {
      await home.remove()
    }
  })
})
