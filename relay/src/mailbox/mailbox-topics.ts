/**
 * Each kept group's gossip topic, as an admin of the group named it in a
 * keep request (core's keep-frames.ts), in the mailbox file: the relay
 * follows the topics of the groups it keeps (mailbox-gossip.ts). The topic
 * comes from the group secret, which the relay never holds, so it can only
 * be told it; knowing it opens no body.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'

const SCHEMA = 'CREATE TABLE IF NOT EXISTS mailbox_topics (mailbox INTEGER PRIMARY KEY, topic TEXT NOT NULL)'

export class MailboxTopics {
  private readonly q: Record<'set' | 'get' | 'all', StatementSync>

  constructor(db: DatabaseSync) {
    db.exec(SCHEMA)
    this.q = {
      set: db.prepare('INSERT INTO mailbox_topics (mailbox, topic) VALUES (?, ?) ON CONFLICT (mailbox) DO UPDATE SET topic = excluded.topic'),
      get: db.prepare('SELECT topic FROM mailbox_topics WHERE mailbox = ?'),
      all: db.prepare('SELECT mailbox, topic FROM mailbox_topics')
    }
  }

  set(mailbox: number, topic: string): void {
    this.q.set.run(mailbox, topic)
  }

  get(mailbox: number): string | undefined {
    return (this.q.get.get(mailbox) as { topic: string } | undefined)?.topic
  }

  /** Every mailbox's topic, by mailbox. */
  all(): Map<number, string> {
    return new Map((this.q.all.all() as Array<{ mailbox: number; topic: string }>).map((r) => [Number(r.mailbox), r.topic]))
  }
}
