/**
 * The Store engine of the Node daemon: one SQLite file through node:sqlite,
 * held by one process at a time. This half holds the group records, the
 * view as rows (sqlite-view.ts) with its word search (message-words.ts), and
 * the daemon's own tables in the same file (daemon-tables.ts); the log's
 * half — the connection, commits, entries and facts — is sqlite-entries.ts.
 *
 * ```ts
 * const store = await SqliteStore.open('/tmp/causette.db')
 * store.tables.settings.set('name', 'Alice')
 * await store.close()
 * ```
 */
import type { DatabaseSync } from 'node:sqlite'
import {
  type GroupRecord,
  type HiddenRange,
  type MessageRows,
  type MessageRowsOptions,
  type PinRow,
  type RegisterRow,
  type SearchRowsOptions,
  type Store,
  toHex,
  type ViewRow
} from '@causette/core'
import { DaemonTables } from './daemon-tables.ts'
import type { StoreUpgrade } from './schema.ts'
import { SqliteEntries, searchable } from './sqlite-entries.ts'
import { openDatabase } from './sqlite-file.ts'

interface GroupRow {
  id: Uint8Array
  secret: Uint8Array
  name: string
  added_at: number
}

export class SqliteStore extends SqliteEntries implements Store {
  /** The daemon's settings, known peers, block list and verified members, in this file under its lock. */
  readonly tables: DaemonTables

  /**
   * Opens the store in the file at `path`, creating it (and its tables) if
   * needed; the directory must exist. Rejects with DataDirLockedError while
   * another process has it open, NotAStoreError for a file that is not a
   * Causette database, StoreTooNewError for one written by a newer version.
   */
  /** Opens (or makes) the store at `path`; `upgrading` is told before a store of an earlier version is brought up to date. */
  static async open(path: string, upgrading?: (upgrade: StoreUpgrade) => void): Promise<SqliteStore> {
    return new SqliteStore(path, await openDatabase(path, upgrading))
  }

  private constructor(path: string, db: DatabaseSync) {
    super(path, db)
    this.tables = new DaemonTables(db, (durable, work) => this.write(durable, work))
  }

  async putGroup(record: GroupRecord): Promise<void> {
    this.assertOpen()
    this.write(true, () => this.statements.putGroup.run(record.id, record.secret, record.name, record.addedAt))
  }

  async getGroup(id: Uint8Array): Promise<GroupRecord | undefined> {
    this.assertOpen()
    const row = this.statements.getGroup.get(id) as GroupRow | undefined
    return row === undefined ? undefined : groupRecordOf(row)
  }

  async listGroups(): Promise<GroupRecord[]> {
    this.assertOpen()
    return (this.statements.listGroups.all() as unknown as GroupRow[]).map(groupRecordOf)
  }

  async deleteGroup(id: Uint8Array): Promise<void> {
    this.assertOpen()
    const s = this.statements
    this.write(true, () => {
      // entries written behind are in this commit, so none of the group is left after it
      s.deleteHeads.run(id)
      s.deleteAuthorSeqs.run(id)
      s.deleteEntries.run(id)
      s.deleteCount.run(id)
      s.deleteEquivocated.run(id)
      // out of the word index through the words it holds, before the rows go
      this.words.forgetGroup(id)
      this.view.deleteGroup(id)
      this.words.afterDelete()
      s.deleteGroup.run(id)
    })
  }

  /**
   * Drops a group's record but keeps its entries: what a join that failed
   * leaves behind. The group is not opened at the next start, while its
   * log, still open in the peer until the daemon stops, may go on storing
   * entries; joining it again later finds them.
   */
  async forgetGroupRecord(id: Uint8Array): Promise<void> {
    this.assertOpen()
    this.write(true, () => {
      this.statements.deleteGroup.run(id)
    })
  }

  // The view as rows (sqlite-view.ts). Rows of others' entries are written
  // behind as their entries are; reads see them before their commit.

  async putViewRows(group: Uint8Array, rows: ViewRow[]): Promise<void> {
    this.assertOpen()
    if (rows.length === 0) return
    const own = this.durableAuthor === undefined ? undefined : toHex(this.durableAuthor)
    this.write(own === undefined || rows.some((r) => r.author === own), () => this.view.put(group, rows))
    this.words.written(searchable(rows))
  }

  async messageRows(group: Uint8Array, options: MessageRowsOptions): Promise<MessageRows> {
    return this.read(() => this.view.messages(group, options))
  }

  async messageRowsAfter(group: Uint8Array, options: { after: Uint8Array; limit: number; hidden: readonly HiddenRange[] }): Promise<MessageRows> {
    return this.read(() => this.view.messagesAfter(group, options))
  }

  async messageRowsById(group: Uint8Array, ids: readonly Uint8Array[], hidden: readonly HiddenRange[]): Promise<MessageRows> {
    return this.read(() => this.view.messagesById(group, ids, hidden))
  }

  async countMessageRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<number> {
    return this.read(() => this.view.count(group, hidden))
  }

  async messageIds(group: Uint8Array, range: { from: Uint8Array; to?: Uint8Array; limit: number }): Promise<Uint8Array[]> {
    return this.read(() => this.view.ids(group, range))
  }

  async registerRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<RegisterRow[]> {
    return this.read(() => this.view.registers(group, hidden))
  }

  async pinRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<PinRow[]> {
    return this.read(() => this.view.pins(group, hidden))
  }

  /** Derived from the entries: committed with the window of writes behind (commits.ts). */
  async setShownTimes(group: Uint8Array, times: Array<{ id: Uint8Array; shownTime: number }>): Promise<void> {
    this.assertOpen()
    if (times.length > 0) this.write(false, () => this.view.setShownTimes(group, times))
  }

  /** Candidates from the word index (message-words.ts), which first takes in every row written so far. */
  async searchMessageRows(words: readonly string[], options: SearchRowsOptions): Promise<Array<{ group: Uint8Array; id: Uint8Array }>> {
    return this.read(() => this.words.candidates(words, options))
  }

  /** How many view rows wait for their words to be indexed (message-words.ts): 0 once a search or a pause took them in. */
  get wordsWaiting(): number {
    return this.words.wordsWaiting
  }
}

function groupRecordOf(row: GroupRow): GroupRecord {
  return { id: row.id, secret: row.secret, name: row.name, addedAt: row.added_at }
}
