/**
 * BlockList: the devices this person blocked (their messages hidden here,
 * their connections refused), in the store's `blocked_members` table. This
 * class is the table's only writer, so the list read once is kept until it
 * writes: every message that may notify asks whether its author is blocked.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Write } from './commits.ts'

export interface BlockedMember {
  /** Device key, hex. */
  key: string
  /** Its display name when it was blocked. */
  name?: string
  blockedAt: number
}

interface BlockedRow {
  key: string
  name: string | null
  blocked_at: number
}

export class BlockList {
  private readonly listStatement: StatementSync
  private readonly putStatement: StatementSync
  private readonly deleteStatement: StatementSync
  /** The list as last read; dropped by every write. */
  private cached: { list: BlockedMember[]; keys: Set<string> } | undefined

  /** Told of each block made or lifted (the person's settings follow their other devices: person-settings-follow.ts). */
  onChange: ((key: string, member: BlockedMember | undefined) => void) | undefined

  /** What a person set is written durably, at once (commits.ts). */
  private readonly write: Write

  constructor(db: DatabaseSync, write: Write) {
    this.write = write
    this.listStatement = db.prepare('SELECT key, name, blocked_at FROM blocked_members ORDER BY blocked_at, key')
    this.putStatement = db.prepare(
      'INSERT INTO blocked_members (key, name, blocked_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET name = excluded.name'
    )
    this.deleteStatement = db.prepare('DELETE FROM blocked_members WHERE key = ?')
  }

  /** Everyone blocked, earliest first. */
  list(): BlockedMember[] {
    return this.read().list.map((b) => ({ ...b }))
  }

  keys(): string[] {
    return [...this.read().keys]
  }

  has(key: string): boolean {
    return this.read().keys.has(key)
  }

  /** Blocks a device; blocking it again keeps the first time. */
  add(member: BlockedMember): void {
    this.write(true, () => this.putStatement.run(member.key, member.name ?? null, member.blockedAt))
    this.cached = undefined
    // blocking again keeps the first time: what is kept is what follows
    if (this.onChange !== undefined) this.onChange(member.key, this.list().find((b) => b.key === member.key) ?? member)
  }

  /** Unblocks a device; false if it was not blocked. */
  delete(key: string): boolean {
    let deleted = false
    this.write(true, () => {
      deleted = Number(this.deleteStatement.run(key).changes) > 0
    })
    this.cached = undefined
    if (deleted) this.onChange?.(key, undefined)
    return deleted
  }

  private read(): { list: BlockedMember[]; keys: Set<string> } {
    if (this.cached === undefined) {
      const list = (this.listStatement.all() as unknown as BlockedRow[]).map((row) => ({
        key: row.key,
        blockedAt: row.blocked_at,
        ...(row.name === null ? {} : { name: row.name })
      }))
      this.cached = { list, keys: new Set(list.map((b) => b.key)) }
    }
    return this.cached
  }
}
