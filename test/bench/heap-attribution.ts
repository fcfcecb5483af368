/**
 * Where an open GroupLog's memory goes, read from a heap snapshot: each
 * object is charged to the first part of the log that owns it, in a fixed
 * order (an entry's ids, its decoded operation, its frontier,
 * the entry object, then the index's maps, the view, the rest), so shared
 * objects are counted once, where the order first meets them. Also the
 * retained size (dominator tree) of the log's main fields, and self sizes
 * by constructor.
 */
import type { HeapGraph } from './heap-snapshot.ts'

export interface Share {
  part: string
  bytes: number
  objects: number
}

export interface LogMemory {
  /** Entries found in the snapshot (objects of the LogEntry shape). */
  entries: number
  /** Distinct frontier objects the entries point at. */
  frontiers: number
  /** Charged to one part each, in charging order; the heap's other objects are not in it. */
  owned: Share[]
  /** Retained size of the log and of its main fields, by field path. */
  retained: Share[]
  /** Self size by constructor (or node type), largest first. */
  classes: Share[]
}

/** Fields of LogEntry charged one by one, before the entry object itself. */
const ENTRY_FIELDS: ReadonlyArray<[string, string]> = [
  ['id', 'entry: id (Uint8Array)'],
  ['idHex', 'entry: id (hex string)'],
  ['op', 'entry: decoded operation'],
  ['frontier', 'entry: frontiers and membership states']
]

/** Fields under the GroupLog, charged in this order after the entries and the view's message states. */
const LOG_FIELDS: ReadonlyArray<[string[], string]> = [
  [['index', 'nodes'], 'EntryIndex.nodes (Map by hex id)'],
  [['index', 'ordered'], 'EntryIndex.ordered (array in log order)'],
  [['index', 'parentIds'], 'EntryIndex.parentIds (parent hex ids)'],
  [['index', 'parentNodes'], 'EntryIndex.parentNodes (parent objects)'],
  [['index', 'headSet'], 'EntryIndex.headSet'],
  [['index', 'chains'], 'author chains'],
  [['view', 'byId'], 'view: byId (Map)'],
  [['view', 'ordered'], 'view: ordered (array)'],
  [['view', 'waiting'], 'view: waiting'],
  [['view', 'readMarkers'], 'view: read markers'],
  [['view', 'names'], 'view: display names'],
  [['acceptance', 'pending'], 'pending entries'],
  [['visible', 'sealed'], 'sealed entries'],
  [['committed', 'grants'], 'grants'],
  [['keys'], 'epoch keys'],
  [['committed', 'current'], 'current frontier'],
  [[], 'GroupLog: the rest']
]

const RETAINED_PATHS: readonly string[][] = [
  [],
  ['index'],
  ['index', 'nodes'],
  ['index', 'ordered'],
  ['index', 'parentIds'],
  ['index', 'parentNodes'],
  ['index', 'chains'],
  ['view'],
  ['view', 'byId'],
  ['view', 'ordered'],
  ['acceptance', 'pending'],
  ['visible', 'sealed']
]

/** Where an object keeps the properties and elements that do not fit in it: charged with a shallow part. */
const OWN_STORAGE = new Set(['properties', 'elements'])
const SKIPPED_EDGES = new Set(['map', '__proto__', 'constructor', 'prototype'])
const SKIPPED_TYPES = new Set(['code', 'closure', 'object shape', 'synthetic', 'regexp'])
/** How far ownership is followed from a part's root: far enough for a Map's table and a typed array's backing store. */
const MAX_DEPTH = 8

export function logMemory(graph: HeapGraph): LogMemory {
  const logs = findAll(graph, (n) => graph.type(n) === 'object' && graph.name(n) === 'GroupLog')
  if (logs.length !== 1) throw new Error(`expected one GroupLog in the heap, found ${logs.length}`)
  const log = logs[0] as number
  const entries = findAll(graph, (n) => isObject(graph, n) && graph.hasProperties(n, ['frontier', 'idHex', 'authorHex', 'epochHex']))
  const states = findAll(graph, (n) => isObject(graph, n) && graph.hasProperties(n, ['entry', 'text', 'mentions']))
  const stops = new Set([...entries, ...states, log])
  const owner = new Int32Array(graph.nodeCount).fill(-1)
  const owned: Share[] = []
  const charge = (part: string, roots: Iterable<number | undefined>, shallow = false): void => {
    const share: Share = { part, bytes: 0, objects: 0 }
    owned.push(share)
    for (const root of roots) if (root !== undefined) claim(graph, root, owned.length - 1, share, owner, stops, shallow)
  }

  for (const [field, part] of ENTRY_FIELDS)
    charge(
      part,
      entries.map((e) => graph.property(e, field))
    )
  charge('entry: the LogEntry objects', entries, true)
  charge('view: message states (registers, reactions, replies)', states)
  for (const [path, part] of LOG_FIELDS) charge(part, [follow(graph, log, path)])

  const frontiers = new Set(entries.map((e) => graph.property(e, 'frontier'))).size
  const retained: Share[] = []
  for (const path of RETAINED_PATHS) {
    const node = follow(graph, log, path)
    if (node !== undefined) retained.push({ part: ['GroupLog', ...path].join('.'), bytes: graph.retainedSize(node), objects: 1 })
  }
  return { entries: entries.length, frontiers, owned, retained, classes: byClass(graph) }
}

function isObject(graph: HeapGraph, n: number): boolean {
  return graph.type(n) === 'object' && graph.name(n) === 'Object'
}

function findAll(graph: HeapGraph, test: (n: number) => boolean): number[] {
  const found: number[] = []
  for (let n = 0; n < graph.nodeCount; n++) if (test(n)) found.push(n)
  return found
}

function follow(graph: HeapGraph, from: number, path: readonly string[]): number | undefined {
  let node: number | undefined = from
  for (const name of path) node = node === undefined ? undefined : graph.property(node, name)
  return node
}

/**
 * Charges `root` and what it reaches (not through other parts' roots, not
 * already charged) to `share`; `shallow`, only the object and its own
 * property and element stores.
 */
function claim(graph: HeapGraph, root: number, index: number, share: Share, owner: Int32Array, stops: Set<number>, shallow: boolean): void {
  const stack: Array<[number, number]> = [[root, 0]]
  while (stack.length > 0) {
    const [n, depth] = stack.pop() as [number, number]
    if (owner[n] !== -1) continue
    owner[n] = index
    share.bytes += graph.selfSize(n)
    share.objects++
    if (depth >= MAX_DEPTH) continue
    graph.forEachEdge(n, (type, name, to) => {
      if (type === 'weak' || type === 'shortcut' || SKIPPED_EDGES.has(name)) return
      if (shallow && !(type === 'internal' && OWN_STORAGE.has(name))) return
      if (owner[to] !== -1 || stops.has(to) || SKIPPED_TYPES.has(graph.type(to))) return
      stack.push([to, depth + 1])
    })
  }
}

/** Self sizes summed by constructor for objects, by node type otherwise. */
function byClass(graph: HeapGraph): Share[] {
  const totals = new Map<string, Share>()
  for (let n = 0; n < graph.nodeCount; n++) {
    const type = graph.type(n)
    const key = type === 'object' || type === 'native' || type === 'hidden' || type === 'array' ? `${graph.name(n)} (${type})` : `(${type})`
    let share = totals.get(key)
    if (share === undefined) {
      share = { part: key, bytes: 0, objects: 0 }
      totals.set(key, share)
    }
    share.bytes += graph.selfSize(n)
    share.objects++
  }
  return [...totals.values()].sort((a, b) => b.bytes - a.bytes)
}
