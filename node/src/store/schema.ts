/**
 * The SQLite store's tables and their migrations. The file's `user_version`
 * is the number of migrations applied; a later issue adds a table by
 * appending a migration here, never by editing one that has shipped.
 */
import type { DatabaseSync } from 'node:sqlite'
import { NotAStoreError, StoreTooNewError } from '../errors.ts'

/** 'Caus': marks the file as ours, so a stray SQLite file is never migrated into one. */
const APPLICATION_ID = 0x43617573

/** In order; exported for tests that build a file of an older version. */
export const MIGRATIONS: readonly string[] = [
  // 1: groups, entries, heads and the highest seq per author.
  // Ids, keys and authors are BLOBs: SQLite compares BLOBs with memcmp, so
  // ORDER BY key is the log's order. STRICT tables refuse a TEXT or number
  // where a BLOB belongs, which would silently sort elsewhere.
  `
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
  `,
  // 2: the daemon's own tables. `messages` is the rendered view of each group
  // (current text, flags, reactions) in the log's order, derived from the
  // entries and rebuilt from them whenever it lags (message_index_state): it
  // serves history without loading a log and, through message_search, word
  // search. unicode61 with remove_diacritics 2 folds case and accents, so
  // "cafe" finds "Café"; the index holds no copy of the text (content=).
  `
  CREATE TABLE messages (
    number INTEGER PRIMARY KEY,
    group_id BLOB NOT NULL,
    id BLOB NOT NULL,
    key BLOB NOT NULL,
    author BLOB NOT NULL,
    time INTEGER NOT NULL,
    text TEXT NOT NULL,
    edited INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    reply_to BLOB,
    mentions TEXT NOT NULL,
    reactions TEXT NOT NULL,
    UNIQUE (group_id, id)
  ) STRICT;
  CREATE INDEX messages_in_order ON messages (group_id, key);

  CREATE VIRTUAL TABLE message_search USING fts5 (
    text, content = 'messages', content_rowid = 'number', tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER messages_searchable AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, text) VALUES (new.number, new.text);
  END;
  CREATE TRIGGER messages_unsearchable AFTER DELETE ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.number, old.text);
  END;
  CREATE TRIGGER messages_researchable AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.number, old.text);
    INSERT INTO message_search (rowid, text) VALUES (new.number, new.text);
  END;

  -- how many log entries the messages of a group reflect; a count that
  -- differs from the log's after a crash makes the daemon rebuild them
  CREATE TABLE message_index_state (
    group_id BLOB PRIMARY KEY,
    entries INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;

  -- local settings of this device (its display name, ...)
  CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;

  -- peers met as members of a group, redialled when the daemon starts
  CREATE TABLE known_peers (
    peer TEXT PRIMARY KEY,
    addresses TEXT NOT NULL,
    last_seen INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
  // 3: this device's own judgements of other devices, by device key (hex):
  // those whose safety number the person compared out of band, with the
  // fingerprint read then (a verification holds only while it is still the
  // fingerprint of that key), and those blocked. Names are kept as they
  // were then, so the lists read well even for a device in no open group.
  `
  CREATE TABLE verified_members (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    name TEXT,
    verified_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE blocked_members (
    key TEXT PRIMARY KEY,
    name TEXT,
    blocked_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
  // 4: the word index keeps only which messages hold a word (detail = none),
  // not where in them: searches are words that must all appear, by the start
  // of a word (search-query.ts), never phrases or proximity, so positions
  // were never read, and writing them was about half of what indexing a
  // message cost (~11 µs of ~25). Rebuilt from the messages it indexes; the
  // triggers of migration 2 name the table, so they write to the new one.
  `
  DROP TABLE message_search;
  CREATE VIRTUAL TABLE message_search USING fts5 (
    text, content = 'messages', content_rowid = 'number', tokenize = 'unicode61 remove_diacritics 2', detail = none
  );
  INSERT INTO message_search (message_search) VALUES ('rebuild');
  `,
  // 5: words are indexed in bulk, not message by message. A new message, or
  // one whose text changed, is noted in search_pending; MessageIndex moves
  // what is pending into the word index in one statement (once enough has
  // gathered, when the daemon is idle, and always before a search), which
  // costs a fraction of indexing each message as it is written (~1 µs a
  // message against ~18 in a trigger, measured in batches of 200). A row
  // leaves the word index through the words it was indexed with: one still
  // pending was never indexed, so it only stops pending.
  `
  CREATE TABLE search_pending (number INTEGER PRIMARY KEY) STRICT;
  DROP TRIGGER messages_searchable;
  DROP TRIGGER messages_unsearchable;
  DROP TRIGGER messages_researchable;
  CREATE TRIGGER messages_searchable AFTER INSERT ON messages BEGIN
    INSERT INTO search_pending (number) VALUES (new.number);
  END;
  CREATE TRIGGER messages_unsearchable AFTER DELETE ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, text)
      SELECT 'delete', old.number, old.text WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE number = old.number);
    DELETE FROM search_pending WHERE number = old.number;
  END;
  CREATE TRIGGER messages_researchable AFTER UPDATE OF text ON messages
    WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE number = old.number) BEGIN
    INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.number, old.text);
    INSERT INTO search_pending (number) VALUES (new.number);
  END;
  `,
  // 6: entry facts beside each entry (Store's EntryFacts: what the log
  // worked out when it accepted it) and its parents, so the log can forget
  // an entry and read back what admission needs without decoding it. NULL
  // until known: rows written before this migration have none, and an entry
  // has facts exactly when its frontier is set. lacksFacts reads a partial
  // index of the rows without facts, empty once a group's are filled in, so
  // it costs nothing to keep for entries stored with their facts. parents is
  // the parent ids concatenated; NULL in older rows, whose encoding holds
  // them. idsAt finds an author's entries by seq. membership is 1 for the
  // entries that create the group or change its membership: what an opening
  // log folds (listMembership), through the partial index below.
  `
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
  `,
  // 7: the view as rows (core's chat/view-rows.ts; sqlite-view.ts reads and
  // writes them). Each accepted entry adds the rows it makes, never
  // rewritten to hide them: reads leave out hidden ranges themselves. Ids,
  // keys, targets and authors are BLOBs, ordered as the log orders them.
  // Messages and changes are rowid tables (a message's text may be long);
  // messages are paged by (group_id, key), changes found by the message
  // they name. Registers are small: clustered so that the latest row of
  // each (name, author) is the last of its run.
  `
  CREATE TABLE view_messages (
    group_id BLOB NOT NULL,
    id BLOB NOT NULL,
    key BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    time INTEGER NOT NULL,
    shown_time INTEGER NOT NULL,
    text TEXT NOT NULL,
    reply_to BLOB,
    -- hex keys, comma-separated; '' for none
    mentions TEXT NOT NULL,
    UNIQUE (group_id, id)
  ) STRICT;
  CREATE INDEX view_messages_in_order ON view_messages (group_id, key);

  -- kind: 'edit' (text), 'delete' (role, when the writer had one) or
  -- 'reaction' (emoji, added: 1 or 0); the other columns are NULL
  CREATE TABLE view_changes (
    group_id BLOB NOT NULL,
    key BLOB NOT NULL,
    target BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT,
    role TEXT,
    emoji TEXT,
    added INTEGER,
    UNIQUE (group_id, key)
  ) STRICT;
  CREATE INDEX view_changes_by_target ON view_changes (group_id, target);

  CREATE TABLE view_registers (
    group_id BLOB NOT NULL,
    name TEXT NOT NULL,
    author BLOB NOT NULL,
    key BLOB NOT NULL,
    seq INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (group_id, name, author, key)
  ) STRICT, WITHOUT ROWID;
  `,
  // 8: one view. The daemon's rendered `messages` table, its word index and
  // the count that told when it lagged go: history, search and export read
  // the view rows of migration 7, which are written with their entries.
  // Words are indexed over those rows, which are only ever added (or all of
  // a group deleted): the text of each message row, and of each edit row,
  // since an edit is how a message comes to hold a word. Indexing is in bulk
  // (message-words.ts): search_marks keeps the highest rowid indexed per
  // table, and everything above it is indexed in one statement. An index
  // answers with candidates; core checks the rendered message.
  `
  DROP TRIGGER messages_searchable;
  DROP TRIGGER messages_unsearchable;
  DROP TRIGGER messages_researchable;
  DROP TABLE message_search;
  DROP TABLE search_pending;
  DROP TABLE message_index_state;
  DROP TABLE messages;
  CREATE VIRTUAL TABLE message_words USING fts5 (
    text, content = 'view_messages', tokenize = 'unicode61 remove_diacritics 2', detail = none
  );
  CREATE VIRTUAL TABLE edit_words USING fts5 (
    text, content = 'view_changes', tokenize = 'unicode61 remove_diacritics 2', detail = none
  );
  CREATE TABLE search_marks (name TEXT PRIMARY KEY, indexed INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  INSERT INTO search_marks (name, indexed) VALUES ('messages', 0), ('edits', 0);
  `,
  // 9: what an opening log reads costs what it returns, not the history:
  // each group's entry count, kept as entries are inserted (count(*) read
  // an index of every entry, ~4 ms per 100,000), and the entries of
  // equivocations — an author's seq held under several ids — noted when the
  // second one is inserted (a GROUP BY over every entry found them, ~13 ms
  // per 100,000). Both filled once here from the entries.
  `
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
  `,
  // 10: polls and pins (core's chat/polls.ts). A message row that is a poll
  // keeps its options and whether several may be chosen, as JSON
  // ({"options": [...], "multiple": true}; NULL for other messages).
  // view_changes takes three more kinds: 'pin' (added: 1 pinned, 0
  // unpinned), 'vote' (choices: a JSON list of option indexes) and 'close'
  // (role, when the writer had one). A group's pinned messages are read
  // from its pin rows alone, through a partial index that holds nothing
  // else. Rows already held are kept as they are.
  `
  ALTER TABLE view_messages ADD COLUMN poll TEXT;
  ALTER TABLE view_changes ADD COLUMN choices TEXT;
  CREATE INDEX view_changes_pins ON view_changes (group_id, target, key) WHERE kind = 'pin';
  `
]

/** Brings the database at `path` to the latest schema, one transaction per migration. */
export function migrate(db: DatabaseSync, path: string): void {
  assertCausetteFile(db, path)
  const found = pragmaNumber(db, 'user_version')
  if (found > MIGRATIONS.length) throw new StoreTooNewError(path, found, MIGRATIONS.length)
  for (let version = found; version < MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(MIGRATIONS[version] as string)
      db.exec(`PRAGMA user_version = ${version + 1}`)
      db.exec('COMMIT')
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK')
      throw err
    }
  }
}

function assertCausetteFile(db: DatabaseSync, path: string): void {
  if (pragmaNumber(db, 'application_id') === APPLICATION_ID) return
  const tables = db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }
  if (tables.n > 0) throw new NotAStoreError(path)
}

function pragmaNumber(db: DatabaseSync, name: 'user_version' | 'application_id'): number {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, number>
  return row[name] as number
}
