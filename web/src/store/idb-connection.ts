/**
 * The open database and its transactions: reads, and writes that commit
 * all or nothing with the durability asked for ('strict': on disk before
 * they resolve; 'relaxed': handed to the OS, as others' entries may be,
 * DESIGN.md "Storage"). Failures surface here as the errors a person sees
 * (storage-errors.ts), and every call after close() rejects with core's
 * StoreClosedError.
 */
import { StoreClosedError } from '@causette/core'
import { deleteDB, openDB } from 'idb'
import { type CausetteDb, type Database, DB_VERSION, type StoreName, type Transaction, upgrade, type WriteTransaction } from './idb-schema.ts'
import { StoreTooNewError, storageErrorOf } from './storage-errors.ts'

/** Why calls are refused once the browser, rather than this tab, closed the database. */
const REPLACED = 'Causette was opened in a newer version in another tab, which needs this one to let go of its data: reload this page to go on.'
const TERMINATED = "The browser closed Causette's storage (its data may have been cleared, or the disk failed): reload this page to go on."

export class Connection {
  private readonly db: Database
  private closed = false
  /** The message of StoreClosedError when the store was closed from outside. */
  private closedBecause: string | undefined

  /** Opens (creating or upgrading) the database `name`; StoreTooNewError if a newer Causette wrote it. */
  static async open(name: string): Promise<Connection> {
    let connection: Connection | undefined
    try {
      const db = await openDB<CausetteDb>(name, DB_VERSION, {
        upgrade: (database, oldVersion, _newVersion, tx) => upgrade(database, oldVersion, tx),
        // a newer version opened in another tab: step aside so that it can upgrade
        blocking: () => connection?.close(REPLACED),
        terminated: () => connection?.markClosed(TERMINATED)
      })
      connection = new Connection(db)
      return connection
    } catch (err) {
      if (err instanceof DOMException && err.name === 'VersionError') throw new StoreTooNewError(await versionOf(name), DB_VERSION)
      throw storageErrorOf(err)
    }
  }

  /** Deletes the database `name`; waits while a connection to it is open. */
  static async delete(name: string): Promise<void> {
    try {
      await deleteDB(name)
    } catch (err) {
      throw storageErrorOf(err)
    }
  }

  private constructor(db: Database) {
    this.db = db
  }

  assertOpen(): void {
    if (this.closed) throw new StoreClosedError(this.closedBecause)
  }

  /** Runs `work` in a readonly transaction over `stores`. */
  async read<T>(stores: StoreName[], work: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx = this.transaction(stores, 'readonly')
    // a read that fails rejects through `work`; the transaction's own end is of no interest
    tx.done.catch(() => undefined)
    try {
      return await work(tx)
    } catch (err) {
      throw storageErrorOf(err)
    }
  }

  /**
   * Runs `work` in one readwrite transaction: resolves once it committed
   * (strictly, on disk, if `durable`), rejects with nothing of it kept.
   */
  async write<T>(stores: StoreName[], durable: boolean, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    const tx = this.transaction(stores, 'readwrite', durable ? 'strict' : 'relaxed')
    const done = tx.done
    try {
      const result = await work(tx)
      await done
      return result
    } catch (err) {
      try {
        tx.abort()
      } catch {
        // it had already ended: committed or aborted by IndexedDB itself (a refused quota surfaces so)
      }
      await done.catch(() => undefined)
      throw storageErrorOf(tx.error ?? err)
    }
  }

  /** Closes the database once the transactions under way end; `because` says why, when it is not this tab's choice. */
  close(because?: string): void {
    if (this.closed) return
    this.markClosed(because)
    this.db.close()
  }

  private markClosed(because: string | undefined): void {
    this.closed = true
    this.closedBecause = because
  }

  private transaction<Mode extends IDBTransactionMode>(stores: StoreName[], mode: Mode, durability: IDBTransactionDurability = 'default') {
    this.assertOpen()
    try {
      return this.db.transaction(stores, mode, { durability })
    } catch (err) {
      // closed under us (a newer version in another tab, or the browser)
      if (err instanceof DOMException && err.name === 'InvalidStateError') throw new StoreClosedError(this.closedBecause)
      throw err
    }
  }
}

/** The version of an existing database, opening it without asking for one; undefined if that fails. */
async function versionOf(name: string): Promise<number | undefined> {
  try {
    const db = await openDB(name)
    const version = db.version
    db.close()
    return version
  } catch {
    return undefined
  }
}
