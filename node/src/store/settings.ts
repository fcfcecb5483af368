/** Settings: this device's local preferences (its display name, ...), in the store's `settings` table. */
import type { DatabaseSync, StatementSync } from 'node:sqlite'

export class Settings {
  private readonly getStatement: StatementSync
  private readonly setStatement: StatementSync

  constructor(db: DatabaseSync) {
    this.getStatement = db.prepare('SELECT value FROM settings WHERE name = ?')
    this.setStatement = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
  }

  get(name: string): string | undefined {
    return (this.getStatement.get(name) as { value: string } | undefined)?.value
  }

  set(name: string, value: string): void {
    this.setStatement.run(name, value)
  }
}
