/**
 * Settings: this device's local preferences (its display name, ...), in the
 * store's `settings` table. The daemon is the table's only writer (the data
 * directory is locked to one daemon), so values read once are kept: the
 * display name is asked for with every batch of messages shown.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Write } from './commits.ts'

export class Settings {
  private readonly getStatement: StatementSync
  private readonly setStatement: StatementSync
  private readonly allStatement: StatementSync
  private readonly cache = new Map<string, string | undefined>()
  /** Told of each setting whose value changes (the person's settings follow their other devices: person-settings-follow.ts). */
  onChange: ((name: string, value: string) => void) | undefined

  /** What a person set is written durably, at once (commits.ts). */
  private readonly write: Write

  constructor(db: DatabaseSync, write: Write) {
    this.write = write
    this.getStatement = db.prepare('SELECT value FROM settings WHERE name = ?')
    this.setStatement = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
    this.allStatement = db.prepare('SELECT name, value FROM settings ORDER BY name')
  }

  get(name: string): string | undefined {
    if (this.cache.has(name)) return this.cache.get(name)
    const value = (this.getStatement.get(name) as { value: string } | undefined)?.value
    this.cache.set(name, value)
    return value
  }

  set(name: string, value: string): void {
    const before = this.get(name)
    this.write(true, () => this.setStatement.run(name, value))
    this.cache.set(name, value)
    if (before !== value) this.onChange?.(name, value)
  }

  /** Every setting, by name: what a backup carries. */
  all(): Record<string, string> {
    const rows = this.allStatement.all() as Array<{ name: string; value: string }>
    return Object.fromEntries(rows.map((row) => [row.name, row.value]))
  }
}
