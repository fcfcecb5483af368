/**
 * Migrations of the log's tables in the SQLite store: entries, heads,
 * author seqs, their facts and what an opening log reads. schema.ts applies
 * them in order with the others; each is named by its number there.
 */

/** 'Caus': marks the file as ours, so a stray SQLite file is never migrated into one (migration 1 sets it). */
export const APPLICATION_ID = 0x43617573

/**
 * 1: groups, entries, heads and the highest seq per author.
 * Ids, keys and authors are BLOBs: SQLite compares BLOBs with memcmp, so
 * ORDER BY key is the log's order. STRICT tables refuse a TEXT or number
 * where a BLOB belongs, which would silently sort elsewhere.
 */
export const MIGRATION_1 = `
  -- position is an alias of the rowid, so it survives VACUUM, and an update
  -- (an upsert on id) keeps a group where it was first added
  CREATE TABLE groups (
    position INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    secret BLOB NOT NULL,
    name TEXT NOT NULL,
    added_at INTEGER NOT NULL
  ) STRICT;

  -- no foreign key to groups: entries of a group may arrive before its record.
  -- A rowid table: rows are appended in arrival order, while a WITHOUT ROWID
  -- table clustered on hash ids would insert ~300-byte rows at random places.
  CREATE TABLE entries (
    group_id BLOB NOT NULL,
    id BLOB NOT NULL,
    key BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (group_id, id)
  ) STRICT;
  CREATE INDEX entries_in_order ON entries (group_id, key);

  -- kept by putEntries in the same transaction as the entries, so reading
  -- them costs one row per head rather than a scan of the log
  CREATE TABLE heads (
    group_id BLOB NOT NULL,
    id BLOB NOT NULL,
    PRIMARY KEY (group_id, id),
    FOREIGN KEY (group_id, id) REFERENCES entries (group_id, id)
  ) STRICT, WITHOUT ROWID;

  -- likewise: authorSeqs reads one row per author, not every entry
  CREATE TABLE author_seqs (
    group_id BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (group_id, author)
  ) STRICT, WITHOUT ROWID;

  PRAGMA application_id = ${APPLICATION_ID};
  `

/**
 * 6: entry facts beside each entry (Store's EntryFacts: what the log
 * worked out when it accepted it) and its parents, so the log can forget
 * an entry and read back what admission needs without decoding it. NULL
 * until known: rows written before this migration have none, and an entry
 * has facts exactly when its frontier is set. lacksFacts reads a partial
 * index of the rows without facts, empty once a group's are filled in, so
 * it costs nothing to keep for entries stored with their facts. parents is
 * the parent ids concatenated; NULL in older rows, whose encoding holds
 * them. idsAt finds an author's entries by seq. membership is 1 for the
 * entries that create the group or change its membership: what an opening
 * log folds (listMembership), through the partial index below.
 */
export const MIGRATION_6 = `
  ALTER TABLE entries ADD COLUMN time INTEGER;
  ALTER TABLE entries ADD COLUMN shown_time INTEGER;
  ALTER TABLE entries ADD COLUMN epoch TEXT;
  ALTER TABLE entries ADD COLUMN role TEXT;
  ALTER TABLE entries ADD COLUMN frontier TEXT;
  ALTER TABLE entries ADD COLUMN parents BLOB;
  ALTER TABLE entries ADD COLUMN membership INTEGER;
  CREATE INDEX entries_by_seq ON entries (group_id, author, seq);
  CREATE INDEX entries_lacking_facts ON entries (group_id) WHERE frontier IS NULL;
  CREATE INDEX entries_of_membership ON entries (group_id, key) WHERE membership = 1;
  `

/**
 * 9: what an opening log reads costs what it returns, not the history:
 * each group's entry count, kept as entries are inserted (count(*) read
 * an index of every entry, ~4 ms per 100,000), and the entries of
 * equivocations — an author's seq held under several ids — noted when the
 * second one is inserted (a GROUP BY over every entry found them, ~13 ms
 * per 100,000). Both filled once here from the entries.
 */
export const MIGRATION_9 = `
  CREATE TABLE entry_counts (group_id BLOB PRIMARY KEY, entries INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  INSERT INTO entry_counts (group_id, entries) SELECT group_id, count(*) FROM entries GROUP BY group_id;
  CREATE TABLE equivocated (
    group_id BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    id BLOB NOT NULL,
    PRIMARY KEY (group_id, author, seq, id)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO equivocated (group_id, author, seq, id)
    SELECT e.group_id, e.author, e.seq, e.id FROM entries e
    JOIN (SELECT group_id, author, seq FROM entries GROUP BY group_id, author, seq HAVING count(*) > 1) f
      ON f.group_id = e.group_id AND f.author = e.author AND f.seq = e.seq;
  `

/**
 * 11: disappearing messages (core's chat/disappearing.ts). expires is the
 * time an entry's body is due to be erased, set while the entry still
 * holds it and NULL once erased (and for entries that never expire); the
 * partial index holds only those waiting, so finding what is due costs
 * what is due.
 */
export const MIGRATION_11 = `
  ALTER TABLE entries ADD COLUMN expires INTEGER;
  CREATE INDEX entries_expiring ON entries (group_id, expires) WHERE expires IS NOT NULL;
  `

/**
 * 17: entries without their primary key (group, id), for the reason
 * migration 16 gave message rows the same (id-prefix.ts): unique by
 * (group, order key), found by id through the first 4 bytes of ids. heads
 * loses its foreign key, whose parent key had to be that index; the store
 * only ever names an entry it holds as a head, in the commit that stores
 * it. Both tables are copied with their rowids, entries in arrival order.
 * Heads first: dropping entries while heads referenced them would check
 * every head.
 */
export const MIGRATION_17 = `
  CREATE TABLE heads_of_stored (
    group_id BLOB NOT NULL,
    id BLOB NOT NULL,
    PRIMARY KEY (group_id, id)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO heads_of_stored (group_id, id) SELECT group_id, id FROM heads;
  DROP TABLE heads;
  ALTER TABLE heads_of_stored RENAME TO heads;

  CREATE TABLE entries_by_key (
    group_id BLOB NOT NULL,
    id BLOB NOT NULL,
    key BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    time INTEGER,
    shown_time INTEGER,
    epoch TEXT,
    role TEXT,
    frontier TEXT,
    parents BLOB,
    membership INTEGER,
    expires INTEGER,
    person TEXT
  ) STRICT;
  INSERT INTO entries_by_key (rowid, group_id, id, key, author, seq, bytes, time, shown_time, epoch, role, frontier, parents, membership, expires, person)
    SELECT rowid, group_id, id, key, author, seq, bytes, time, shown_time, epoch, role, frontier, parents, membership, expires, person FROM entries ORDER BY rowid;
  DROP TABLE entries;
  ALTER TABLE entries_by_key RENAME TO entries;
  CREATE UNIQUE INDEX entries_in_order ON entries (group_id, key);
  CREATE INDEX entries_by_id ON entries (substr(id, 1, 4));
  CREATE INDEX entries_by_seq ON entries (group_id, author, seq);
  CREATE INDEX entries_lacking_facts ON entries (group_id) WHERE frontier IS NULL;
  CREATE INDEX entries_of_membership ON entries (group_id, key) WHERE membership = 1;
  CREATE INDEX entries_expiring ON entries (group_id, expires) WHERE expires IS NOT NULL;
  `
