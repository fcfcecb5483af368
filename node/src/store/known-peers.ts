/**
 * KnownPeers: the addresses of peers met as members of a group (and of
 * inviters), so a restarted daemon finds its groups again without mDNS or a
 * new invite.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Write } from './commits.ts'

export interface KnownPeer {
  peer: string
  addresses: string[]
  lastSeen: number
}

const MAX_ADDRESSES = 8

export class KnownPeers {
  private readonly upsert: StatementSync
  private readonly recentStatement: StatementSync
  private readonly allStatement: StatementSync

  /** Peers met are written with the window of writes behind (commits.ts): a crash forgets only the last moment's. */
  private readonly write: Write

  constructor(db: DatabaseSync, write: Write) {
    this.write = write
    this.upsert = db.prepare(
      'INSERT INTO known_peers (peer, addresses, last_seen) VALUES (?, ?, ?) ON CONFLICT (peer) DO UPDATE SET addresses = excluded.addresses, last_seen = excluded.last_seen'
    )
    this.recentStatement = db.prepare('SELECT peer, addresses, last_seen FROM known_peers WHERE last_seen >= ? ORDER BY last_seen DESC LIMIT ?')
    this.allStatement = db.prepare('SELECT peer, addresses, last_seen FROM known_peers ORDER BY last_seen DESC')
  }

  remember(peer: string, addresses: string[], now: number): void {
    if (addresses.length === 0) return
    this.write(false, () => this.upsert.run(peer, JSON.stringify(addresses.slice(0, MAX_ADDRESSES)), now))
  }

  /** Peers seen since `since` (ms), most recent first. */
  recent(since: number, limit: number): KnownPeer[] {
    return peersOf(this.recentStatement.all(since, limit))
  }

  /** Every peer remembered, most recent first: what a backup carries. */
  all(): KnownPeer[] {
    return peersOf(this.allStatement.all())
  }
}

function peersOf(rows: unknown[]): KnownPeer[] {
  return (rows as Array<{ peer: string; addresses: string; last_seen: number }>).map((row) => ({
    peer: row.peer,
    addresses: JSON.parse(row.addresses) as string[],
    lastSeen: row.last_seen
  }))
}
