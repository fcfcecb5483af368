/** VerifiedMembers: the devices whose safety number this person compared out of band, in the store's `verified_members` table. */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Write } from './commits.ts'

export interface Verification {
  /** Device key, hex. */
  key: string
  /** The fingerprint of the key when it was verified. */
  fingerprint: string
  name?: string
  verifiedAt: number
}

interface VerificationRow {
  key: string
  fingerprint: string
  name: string | null
  verified_at: number
}

export class VerifiedMembers {
  private readonly getStatement: StatementSync
  private readonly putStatement: StatementSync
  private readonly deleteStatement: StatementSync
  private readonly listStatement: StatementSync

  /** Told of each verification made or forgotten (the person's settings follow their other devices: person-settings-follow.ts). */
  onChange: ((key: string, verification: Verification | undefined) => void) | undefined

  /** What a person set is written durably, at once (commits.ts). */
  private readonly write: Write

  constructor(db: DatabaseSync, write: Write) {
    this.write = write
    this.getStatement = db.prepare('SELECT key, fingerprint, name, verified_at FROM verified_members WHERE key = ?')
    this.putStatement = db.prepare(
      'INSERT INTO verified_members (key, fingerprint, name, verified_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, name = excluded.name, verified_at = excluded.verified_at'
    )
    this.deleteStatement = db.prepare('DELETE FROM verified_members WHERE key = ?')
    this.listStatement = db.prepare('SELECT key, fingerprint, name, verified_at FROM verified_members ORDER BY verified_at, key')
  }

  get(key: string): Verification | undefined {
    const row = this.getStatement.get(key) as VerificationRow | undefined
    return row === undefined ? undefined : verificationOf(row)
  }

  /** Every verification, earliest first: what a backup carries. */
  list(): Verification[] {
    return (this.listStatement.all() as unknown as VerificationRow[]).map(verificationOf)
  }

  /** Whether `key` was verified while its fingerprint was `fingerprint` (a different one means what was compared is not this key's). */
  isVerified(key: string, fingerprint: string): boolean {
    return this.get(key)?.fingerprint === fingerprint
  }

  put(verification: Verification): void {
    this.write(true, () => this.putStatement.run(verification.key, verification.fingerprint, verification.name ?? null, verification.verifiedAt))
    this.onChange?.(verification.key, verification)
  }

  /** Forgets a verification; false if there was none. */
  delete(key: string): boolean {
    let deleted = false
    this.write(true, () => {
      deleted = Number(this.deleteStatement.run(key).changes) > 0
    })
    if (deleted) this.onChange?.(key, undefined)
    return deleted
  }
}

function verificationOf(row: VerificationRow): Verification {
  return { key: row.key, fingerprint: row.fingerprint, verifiedAt: row.verified_at, ...(row.name === null ? {} : { name: row.name }) }
}
