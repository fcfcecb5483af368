/**
 * How the SQLite store finds entries and message rows by id (migrations 16,
 * 17 and 19). Ids are hashes: a unique (group, id) index took each batch of
 * rows at random places, so every commit wrote most of its pages again.
 * Rows are unique by (group, order key) instead, which holds the id and
 * grows at its end, and entries are found by id through an index of the
 * first 4 bytes of ids alone, a fraction of the size, then the whole id
 * compared. Message rows have no index of ids of their own (migration 19
 * dropped it): one is found through its entry, whose order key is the
 * row's. A second index taking every message at a random place cost a
 * catch-up of 10,000 messages into a group of 1,000,000 ~50 ms of inserts
 * and ~55 ms of commit (measured; docs/decisions.md).
 */

/**
 * Whether the row `t` has the id `id` (an SQL expression). The expression
 * is the indexes' own, so the planner can use them; statements name the
 * index (INDEXED BY) where the group's order index could look cheaper.
 * substr() of an empty BLOB is NULL: an empty id matches nothing.
 */
export const idIs = (t: string, id: string): string => `substr(${t}.id, 1, 4) = substr(${id}, 1, 4) AND ${t}.id = ${id}`

/** Whether the entry row `e` has a message row: the one with its order key. */
export const MESSAGE_OF_ENTRY =
  'EXISTS (SELECT 1 FROM view_messages m INDEXED BY view_messages_in_order WHERE m.group_id = e.group_id AND m.key = e.key)'
