/**
 * Backups and bundles as core makes and reads them, bytes in and bytes out
 * (core/src/backup, core/src/bundle): what the daemon and the web app share.
 * The files on disk and the CLI are test/node's (backup-formats, backup-restore,
 * bundles); these assert what core adds for the web app: a key derivation
 * passed in (the tab's worker) with its progress, a header read through any
 * ReadAt, a device's records from any Store restored into any target, and
 * the bundle checks.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type DeviceKey, deviceKeyToBytes, fromHex, GroupLog, generateDeviceKey, MemoryStore, toHex } from '@causette/core'
import {
  type BackupSettings,
  BundleReader,
  backupRecords,
  backupSealer,
  bundleFromStore,
  checkBundleEntries,
  type DeriveFileKeys,
  decodeBundleEntry,
  deriveFileKeys,
  type GroupIntake,
  jsonRecord,
  openBackup,
  RECORD,
  type RestoreTarget,
  readBackupHeader,
  restoreRecords,
  unlockBackup
} from '@causette/core/backups'
import { concat } from 'uint8arrays/concat'
import { signatures } from '../fixtures/replicas.ts'

/** The real derivation at its smallest cost, so each case takes milliseconds rather than a second. */
const quickDerive: DeriveFileKeys = (passphrase, params, onProgress) => deriveFileKeys(passphrase, { ...params, t: 1, m: 8 * 1024 }, onProgress)
const PASSPHRASE = 'correct horse battery staple'
const SETTINGS: BackupSettings = {
  settings: { name: 'Alice', presence: 'off' },
  blocked: [],
  verified: [{ key: 'ab'.repeat(32), fingerprint: '12345', verifiedAt: 1 }],
  knownPeers: []
}

async function collect(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const piece of pieces) parts.push(piece)
  return concat(parts)
}

async function* inPieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size)
}

function readAt(bytes: Uint8Array) {
  return async (offset: number, length: number) => bytes.subarray(offset, offset + length)
}

/** A device with one group of `messages` messages in a memory store. */
async function device(messages: number): Promise<{ key: DeviceKey; store: MemoryStore; log: GroupLog }> {
  const key = await generateDeviceKey()
  const store = new MemoryStore()
  const log = await GroupLog.create({ name: 'Climbing', key, store })
  for (let i = 0; i < messages; i++) await log.append({ type: 'message', text: `message ${i}` })
  return { key, store, log }
}

/** A restore target over a memory store, as the tab's and the daemon's write theirs. */
function memoryTarget(store: MemoryStore): RestoreTarget & { saved?: BackupSettings; keyBytes?: Uint8Array } {
  const target: RestoreTarget & { saved?: BackupSettings; keyBytes?: Uint8Array } = {
    async deviceKey(_key, bytes) {
      target.keyBytes = bytes
    },
    async settings(saved) {
      target.saved = saved
    },
    async group(record, key): Promise<GroupIntake> {
      const id = fromHex(record.id)
      const secret = fromHex(record.secret)
      await store.putGroup({ id, secret, name: record.name, addedAt: record.addedAt })
      const log = await GroupLog.open({ groupId: id, secret, key, store })
      return async (entries) => (await log.add(entries, { trusted: true, source: 'import' })).added.length
    }
  }
  return target
}

describe('a backup made and restored with core alone', () => {
  it('seals a device with the derivation passed in, reports its progress, and restores it whole into another store', async () => {
    const alice = await device(30)
    const progress: number[] = []
    const sealer = await backupSealer(PASSPHRASE, { derive: quickDerive, onProgress: (done) => progress.push(done) })
    assert.ok(progress.length > 0 && progress.at(-1) === 1, `the derivation reported its progress up to 1: ${progress.join(', ')}`)
    const written: number[] = []
    const file = await collect(
      sealer.seal(
        backupRecords({ deviceKey: deviceKeyToBytes(alice.key), store: alice.store, settings: SETTINGS, onProgress: (n) => written.push(n) })
      )
    )
    assert.equal(written.at(-1), alice.log.size)
    assert.equal(new TextDecoder().decode(file.subarray(0, 16)), 'causette-backup\n')

    const header = await readBackupHeader('alice.backup', readAt(file))
    assert.deepEqual([header.kdf.t, header.kdf.m, header.kdf.p], [2, 128 * 1024, 1], 'a new backup names the parameters docs/backups.md gives')
    await assert.rejects(unlockBackup('alice.backup', header, 'correct horse battery stapler', { derive: quickDerive }), {
      name: 'WrongPassphraseError',
      message: /^the passphrase does not open alice\.backup; check it/
    })
    const keys = await unlockBackup('alice.backup', header, PASSPHRASE, { derive: quickDerive })
    const store = new MemoryStore()
    const target = memoryTarget(store)
    const restored: number[] = []
    const summary = await restoreRecords(
      openBackup('alice.backup', header, keys, inPieces(file.subarray(header.bytes.byteLength), 777)),
      target,
      (n) => restored.push(n)
    )
    assert.deepEqual(
      { groups: summary.groups.map((g) => [g.name, g.restored]), entries: summary.entries, leftOut: summary.leftOut },
      { groups: [['Climbing', alice.log.size]], entries: alice.log.size, leftOut: 0 }
    )
    assert.equal(restored.at(-1), alice.log.size)
    assert.deepEqual(target.keyBytes, deviceKeyToBytes(alice.key))
    assert.deepEqual(target.saved, SETTINGS)
    const again = await GroupLog.open({ groupId: alice.log.id, secret: alice.log.secret, key: alice.key, store })
    assert.deepEqual(
      (await again.view.messages()).messages.map((m) => m.text),
      (await alice.log.view.messages()).messages.map((m) => m.text)
    )
  })

  it('says what a file is when it is not a backup, with the hints its runtime gives', async () => {
    const bundle = new TextEncoder().encode('causette-bundle\n\u0001 and the rest')
    await assert.rejects(readBackupHeader('x.bundle', readAt(bundle), { bundle: 'import it with “Import a bundle”' }), {
      name: 'NotABackupError',
      message: 'x.bundle is not a Causette backup (it does not start like one); import it with “Import a bundle”; nothing was restored'
    })
    await assert.rejects(readBackupHeader('empty', readAt(new Uint8Array(0))), { name: 'NotABackupError' })
  })

  it('refuses records out of place, and an end whose counts disagree, after the groups were given to the target', async () => {
    const alice = await device(3)
    const records = await collect(backupRecords({ deviceKey: deviceKeyToBytes(alice.key), store: alice.store, settings: SETTINGS }))
    const noKey = await collect(
      (async function* () {
        yield jsonRecord(RECORD.about, { createdAt: 1, groups: 0, entries: 0 })
        yield jsonRecord(RECORD.settings, SETTINGS)
      })()
    )
    await assert.rejects(restoreRecords(inPieces(noKey, 64), memoryTarget(new MemoryStore())), {
      name: 'BackupContentError',
      message: "the backup's settings record is out of place: it was not written by Causette"
    })
    // the last record is the end: its counts are changed
    const end = records.byteLength - 5 - new TextEncoder().encode(JSON.stringify({ groups: 1, entries: alice.log.size })).byteLength
    const miscounted = concat([records.subarray(0, end), jsonRecord(RECORD.end, { groups: 1, entries: alice.log.size + 1 })])
    const store = new MemoryStore()
    await assert.rejects(restoreRecords(inPieces(miscounted, 100), memoryTarget(store)), {
      name: 'BackupContentError',
      message: `the backup says it holds 1 groups and ${alice.log.size + 1} entries, but 1 and ${alice.log.size} were read`
    })
    assert.equal((await store.listGroups()).length, 1, 'the target was given the group: dropping it is the target’s part (the tab deletes it)')
    await assert.rejects(restoreRecords(inPieces(records.subarray(0, end), 100), memoryTarget(new MemoryStore())), {
      name: 'BackupContentError',
      message: 'the backup ends before its end record: it is incomplete'
    })
  })
})

describe('a bundle made and checked with core alone', () => {
  it('carries every entry of a group from a store, in the log’s order, and its checks pass', async () => {
    const alice = await device(5)
    const file = await collect(bundleFromStore(alice.store, alice.log.id))
    const reader = new BundleReader('climbing.bundle')
    const entries = (await collect(inPieces(file, 13)).then((bytes) => reader.push(bytes))).map((b, i, all) =>
      decodeBundleEntry('climbing.bundle', b, i, all.length)
    )
    reader.finish()
    assert.deepEqual([toHex(reader.groupId as Uint8Array), reader.count], [alice.log.idHex, alice.log.size])
    await checkBundleEntries('climbing.bundle', entries, alice.log.id, 0, entries.length, signatures)
  })

  it('refuses an entry of another group, and one whose signature does not verify, naming it', async () => {
    const alice = await device(2)
    const other = await device(0)
    const bytes = (await alice.store.listEntries(alice.log.id)).map((row) => row.bytes)
    const entries = bytes.map((b, i) => decodeBundleEntry('b', b, i, bytes.length))
    await assert.rejects(checkBundleEntries('b', entries, other.log.id, 0, entries.length, signatures), {
      name: 'BundleDamagedError',
      message: new RegExp(
        `^b is damaged or was changed after it was written \\(its entry 1 of ${bytes.length} \\(\\w+\\) is not of the bundle's group ${other.log.idHex.slice(0, 8)}`
      )
    })
    const last = bytes.at(-1) as Uint8Array
    const changed = last.slice()
    changed[changed.byteLength - 80] = (changed[changed.byteLength - 80] as number) ^ 1
    const n = bytes.length
    const tampered = [...entries.slice(0, -1), decodeBundleEntry('b', changed, n - 1, n)]
    await assert.rejects(checkBundleEntries('b', tampered, alice.log.id, 0, n, signatures), {
      name: 'BundleDamagedError',
      message: new RegExp(`the signature of its entry ${n} of ${n} \\(\\w+\\) does not verify: the entry was changed\\); nothing was imported`)
    })
    await assert.rejects(async () => decodeBundleEntry('b', new Uint8Array([1, 2, 3]), 0, 1), {
      name: 'BundleDamagedError',
      message: /its entry 1 of 1 is not a valid entry/
    })
  })
})
