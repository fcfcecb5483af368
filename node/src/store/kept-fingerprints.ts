/**
 * Safety-number fingerprints this daemon computed, kept in its SQLite file
 * (migration 15) so a restart reads them instead of hashing each key 5,200
 * times again (daemon/authors.ts). A fingerprint follows from its key
 * alone: nothing here ever needs updating.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Write } from './commits.ts'

export class KeptFingerprints {
  private readonly insert: StatementSync
  private readonly select: StatementSync

  /** Derived from keys alone: written with the window of writes behind (commits.ts). */
  private readonly write: Write

  constructor(db: DatabaseSync, write: Write) {
    this.write = write
    this.insert = db.prepare('INSERT INTO fingerprints (key, fingerprint) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
    this.select = db.prepare('SELECT fingerprint FROM fingerprints WHERE key = ?')
  }

  get(key: string): string | undefined {
    return (this.select.get(key) as { fingerprint: string } | undefined)?.fingerprint
  }

  keep(key: string, fingerprint: string): void {
    this.write(false, () => this.insert.run(key, fingerprint))
  }
}
