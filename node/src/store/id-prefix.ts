/**
 * How the SQLite store finds entries and message rows by id (migrations 16
 * and 17). Ids are hashes: a unique (group, id) index took each batch of
 * rows at random places, so every commit wrote most of its pages again.
 * Rows are unique by (group, order key) instead, which holds the id and
 * grows at its end, and are found by id through an index of the first 4
 * bytes of ids alone, a fraction of the size, then the whole id compared.
 */

/**
 * Whether the row `t` has the id `id` (an SQL expression). The expression
 * is the indexes' own, so the planner can use them; statements name the
 * index (INDEXED BY) where the group's order index could look cheaper.
 * substr() of an empty BLOB is NULL: an empty id matches nothing.
 */
export const idIs = (t: string, id: string): string => `substr(${t}.id, 1, 4) = substr(${id}, 1, 4) AND ${t}.id = ${id}`
