/**
 * The daemon's own tables in its SQLite file, beside the log's: settings,
 * the peers it has met, the devices it blocked, the members it verified and
 * the fingerprints it computed.
 * They live in the store's file, under its lock: the store makes them from
 * its connection (`SqliteStore.tables`), so nothing outside the store
 * reaches into it.
 */
import type { DatabaseSync } from 'node:sqlite'
import { BlockList } from './block-list.ts'
import type { Write } from './commits.ts'
import { KeptFingerprints } from './kept-fingerprints.ts'
import { KnownPeers } from './known-peers.ts'
import { Settings } from './settings.ts'
import { VerifiedMembers } from './verified-members.ts'

export class DaemonTables {
  readonly settings: Settings
  readonly knownPeers: KnownPeers
  readonly blockList: BlockList
  readonly verifiedMembers: VerifiedMembers
  readonly fingerprints: KeptFingerprints

  /**
   * Made by the store (sqlite-store.ts) from its connection, and its way to
   * write: a table's writes go through the store's commits (commits.ts), so
   * that what a person set commits at once, and never waits in the window
   * of entries written behind.
   */
  constructor(db: DatabaseSync, write: Write) {
    this.settings = new Settings(db, write)
    this.knownPeers = new KnownPeers(db, write)
    this.blockList = new BlockList(db, write)
    this.verifiedMembers = new VerifiedMembers(db, write)
    this.fingerprints = new KeptFingerprints(db, write)
  }
}
