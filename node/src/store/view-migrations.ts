/**
 * Migrations of the view's tables in the SQLite store: the rendered
 * messages and their word index, then the view as rows (core's
 * chat/view-rows.ts), polls and pins. schema.ts applies them in order with
 * the others; each is named by its number there.
 */

/**
 * 2: the daemon's own tables. `messages` is the rendered view of each group
 * (current text, flags, reactions) in the log's order, derived from the
 * entries and rebuilt from them whenever it lags (message_index_state): it
 * serves history without loading a log and, through message_search, word
 * search. unicode61 with remove_diacritics 2 folds case and accents, so
 * "cafe" finds "Café"; the index holds no copy of the text (content=).
 */
export const MIGRATION_2 = `
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
  `

/**
 * 4: the word index keeps only which messages hold a word (detail = none),
 * not where in them: searches are words that must all appear, by the start
 * of a word (search-query.ts), never phrases or proximity, so positions
 * were never read, and writing them was about half of what indexing a
 * message cost (~11 µs of ~25). Rebuilt from the messages it indexes; the
 * triggers of migration 2 name the table, so they write to the new one.
 */
export const MIGRATION_4 = `
  DROP TABLE message_search;
  CREATE VIRTUAL TABLE message_search USING fts5 (
    text, content = 'messages', content_rowid = 'number', tokenize = 'unicode61 remove_diacritics 2', detail = none
  );
  INSERT INTO message_search (message_search) VALUES ('rebuild');
  `

/**
 * 5: words are indexed in bulk, not message by message. A new message, or
 * one whose text changed, is noted in search_pending; MessageIndex moves
 * what is pending into the word index in one statement (once enough has
 * gathered, when the daemon is idle, and always before a search), which
 * costs a fraction of indexing each message as it is written (~1 µs a
 * message against ~18 in a trigger, measured in batches of 200). A row
 * leaves the word index through the words it was indexed with: one still
 * pending was never indexed, so it only stops pending.
 */
export const MIGRATION_5 = `
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
  `

/**
 * 7: the view as rows (core's chat/view-rows.ts; sqlite-view.ts reads and
 * writes them). Each accepted entry adds the rows it makes, never
 * rewritten to hide them: reads leave out hidden ranges themselves. Ids,
 * keys, targets and authors are BLOBs, ordered as the log orders them.
 * Messages and changes are rowid tables (a message's text may be long);
 * messages are paged by (group_id, key), changes found by the message
 * they name. Registers are small: clustered so that the latest row of
 * each (name, author) is the last of its run.
 */
export const MIGRATION_7 = `
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
  `

/**
 * 8: one view. The daemon's rendered `messages` table, its word index and
 * the count that told when it lagged go: history, search and export read
 * the view rows of migration 7, which are written with their entries.
 * Words are indexed over those rows, which are only ever added (or all of
 * a group deleted): the text of each message row, and of each edit row,
 * since an edit is how a message comes to hold a word. Indexing is in bulk
 * (message-words.ts): search_marks keeps the highest rowid indexed per
 * table, and everything above it is indexed in one statement. An index
 * answers with candidates; core checks the rendered message.
 */
export const MIGRATION_8 = `
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
  `

/**
 * 10: polls and pins (core's chat/polls.ts). A message row that is a poll
 * keeps its options and whether several may be chosen, as JSON
 * ({"options": [...], "multiple": true}; NULL for other messages).
 * view_changes takes three more kinds: 'pin' (added: 1 pinned, 0
 * unpinned), 'vote' (choices: a JSON list of option indexes) and 'close'
 * (role, when the writer had one). A group's pinned messages are read
 * from its pin rows alone, through a partial index that holds nothing
 * else. Rows already held are kept as they are.
 */
export const MIGRATION_10 = `
  ALTER TABLE view_messages ADD COLUMN poll TEXT;
  ALTER TABLE view_changes ADD COLUMN choices TEXT;
  CREATE INDEX view_changes_pins ON view_changes (group_id, target, key) WHERE kind = 'pin';
  `

/**
 * 12: disappearing messages in the view. A message row keeps its expiry,
 * so no read shows it past the deadline; the word indexes delete for good
 * (FTS5's secure-delete), so an erased message's words leave the index's
 * pages at once instead of lingering in older segments until a merge.
 */
export const MIGRATION_12 = `
  ALTER TABLE view_messages ADD COLUMN expires INTEGER;
  INSERT INTO message_words (message_words, rank) VALUES ('secure-delete', 1);
  INSERT INTO edit_words (edit_words, rank) VALUES ('secure-delete', 1);
  `

/**
 * 13: files (core's blob/blob-format.ts). A message row keeps the files it
 * carries as JSON (core's FileView: ids and keys in hex, the placeholder in
 * base64); NULL for a message without files.
 */
export const MIGRATION_13 = `
  ALTER TABLE view_messages ADD COLUMN files TEXT;
  `

/**
 * 14: a person's several devices (core's group/person-devices.ts). An
 * entry written by a linked device keeps the person that device is where
 * the entry stands (hex; NULL: the device is its own person), in its facts
 * and in the message, edit and delete rows it makes: a person edits and
 * deletes what they wrote on any of their devices. Rows written before
 * this migration have none, as every device was its own person then.
 */
export const MIGRATION_14 = `
  ALTER TABLE entries ADD COLUMN person TEXT;
  ALTER TABLE view_messages ADD COLUMN person TEXT;
  ALTER TABLE view_changes ADD COLUMN person TEXT;
  `

/**
 * 15: safety-number fingerprints kept once computed (core's
 * identity/safety-number.ts: 5,200 rounds of SHA-512, ~5 ms a key). A
 * fingerprint follows from its key alone; a daemon with 50 groups of 10
 * authors spent 2.5 s of its start computing them again (daemon/authors.ts).
 */
export const MIGRATION_15 = `
  CREATE TABLE fingerprints (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL) STRICT, WITHOUT ROWID;
  `

/**
 * 16: message rows without their unique (group, id) index. Ids are hashes,
 * so a batch of rows inserted into that index dirtied most of its pages,
 * and every commit wrote them all to the WAL again (then the checkpoint to
 * the file): the largest share of what taking in a batch of messages wrote.
 * A row is unique by (group, order key) instead, an index that grows at
 * its end (the key holds the id: a row stored twice has the same key), and
 * is found by id through an index of the first 4 bytes of ids alone, a
 * fraction of the size (sqlite-view.ts narrows by it, then compares the
 * whole id and the group). The table is copied with its rowids, which the
 * word index (migration 8) names rows by.
 */
export const MIGRATION_16 = `
  CREATE TABLE view_messages_by_key (
    group_id BLOB NOT NULL,
    id BLOB NOT NULL,
    key BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    time INTEGER NOT NULL,
    shown_time INTEGER NOT NULL,
    text TEXT NOT NULL,
    reply_to BLOB,
    mentions TEXT NOT NULL,
    poll TEXT,
    expires INTEGER,
    files TEXT,
    person TEXT
  ) STRICT;
  INSERT INTO view_messages_by_key (rowid, group_id, id, key, author, seq, time, shown_time, text, reply_to, mentions, poll, expires, files, person)
    SELECT rowid, group_id, id, key, author, seq, time, shown_time, text, reply_to, mentions, poll, expires, files, person FROM view_messages ORDER BY rowid;
  DROP TABLE view_messages;
  ALTER TABLE view_messages_by_key RENAME TO view_messages;
  CREATE UNIQUE INDEX view_messages_in_order ON view_messages (group_id, key);
  CREATE INDEX view_messages_by_id ON view_messages (substr(id, 1, 4));
  `

/**
 * 18: each group's count of message rows, kept as rows are added, erased
 * and deleted (sqlite-view.ts). Counting through the order index took
 * ~80 ms for a group of 1,000,000 messages, and each group's opening,
 * `causette groups` and status count.
 */
export const MIGRATION_18 = `
  CREATE TABLE view_message_counts (group_id BLOB PRIMARY KEY, messages INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  INSERT INTO view_message_counts (group_id, messages) SELECT group_id, count(*) FROM view_messages GROUP BY group_id;
  `

/**
 * 19: message rows lose their index of ids (migration 16's
 * view_messages_by_id): a row is found by id through its entry, whose
 * order key is the row's (id-prefix.ts). Every message written took that
 * index at a random page, as the entries' own index of ids does: in a
 * group of 1,000,000, ~5 µs a message to insert and ~5 µs more to commit.
 */
export const MIGRATION_19 = `
  DROP INDEX view_messages_by_id;
  `
