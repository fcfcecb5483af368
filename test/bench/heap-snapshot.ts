/**
 * A V8 heap snapshot as a graph the benchmarks can question: read from
 * v8.getHeapSnapshot() as it streams (the JSON of a large heap is too long
 * for one string), nodes and edges kept in typed arrays, with the dominator
 * tree that gives each object its retained size (what freeing it would
 * free). The format is V8's: flat `nodes` and `edges` arrays whose fields
 * `snapshot.meta` names.
 */
import type { Readable } from 'node:stream'

interface SnapshotMeta {
  node_fields: string[]
  node_types: [string[], ...string[]]
  edge_fields: string[]
  edge_types: [string[], ...string[]]
}

export class HeapGraph {
  readonly nodeCount: number
  private readonly nodeFields: number
  private readonly nodes: Float64Array
  private readonly edges: Uint32Array
  private readonly strings: string[]
  private readonly nodeTypes: string[]
  private readonly edgeTypes: string[]
  /** Index of each node's first edge; the node's edges end where the next node's begin. */
  private readonly firstEdge: Uint32Array
  private retainedSizes?: Float64Array

  constructor(meta: SnapshotMeta, nodes: Float64Array, edges: Uint32Array, strings: string[]) {
    this.nodeFields = meta.node_fields.length
    this.nodes = nodes
    this.edges = edges
    this.strings = strings
    this.nodeTypes = meta.node_types[0]
    this.edgeTypes = meta.edge_types[0]
    this.nodeCount = nodes.length / this.nodeFields
    this.firstEdge = new Uint32Array(this.nodeCount + 1)
    for (let n = 0; n < this.nodeCount; n++) this.firstEdge[n + 1] = (this.firstEdge[n] as number) + this.edgeCountOf(n)
  }

  type(n: number): string {
    return this.nodeTypes[this.nodes[n * this.nodeFields] as number] as string
  }

  name(n: number): string {
    return this.strings[this.nodes[n * this.nodeFields + 1] as number] as string
  }

  selfSize(n: number): number {
    return this.nodes[n * this.nodeFields + 3] as number
  }

  private edgeCountOf(n: number): number {
    return this.nodes[n * this.nodeFields + 4] as number
  }

  /** Calls `visit` with each edge leaving `n`: its type, its name (or index, as text) and the node it reaches. */
  forEachEdge(n: number, visit: (type: string, name: string, to: number) => void): void {
    for (let e = this.firstEdge[n] as number; e < (this.firstEdge[n + 1] as number); e++) {
      const type = this.edgeTypes[this.edges[e * 3] as number] as string
      const raw = this.edges[e * 3 + 1] as number
      const name = type === 'element' || type === 'hidden' ? String(raw) : (this.strings[raw] as string)
      visit(type, name, (this.edges[e * 3 + 2] as number) / this.nodeFields)
    }
  }

  /** The node a named property (or internal field) of `n` points at. */
  property(n: number, name: string): number | undefined {
    let found: number | undefined
    this.forEachEdge(n, (type, edgeName, to) => {
      if (found === undefined && (type === 'property' || type === 'internal') && edgeName === name) found = to
    })
    return found
  }

  /** Whether `n` has every one of these properties: how plain objects of one shape are told apart. */
  hasProperties(n: number, names: readonly string[]): boolean {
    const seen = new Set<string>()
    this.forEachEdge(n, (type, name) => {
      if (type === 'property') seen.add(name)
    })
    return names.every((name) => seen.has(name))
  }

  /** What freeing `n` would free: the sizes of the objects only reachable through it. */
  retainedSize(n: number): number {
    this.retainedSizes ??= this.computeRetained()
    return this.retainedSizes[n] as number
  }

  /**
   * Dominators by the iterative algorithm of Cooper, Harvey and Kennedy over
   * a reverse postorder from the root (node 0), ignoring weak edges as V8's
   * own tools do; then each node's size is added to its dominator's, children
   * before parents.
   */
  private computeRetained(): Float64Array {
    const count = this.nodeCount
    const order = new Uint32Array(count)
    const rank = new Int32Array(count).fill(-1)
    const stack = new Uint32Array(count)
    const cursor = new Uint32Array(count)
    const weak = this.edgeTypes.indexOf('weak')
    let top = 0
    let visited = 0
    stack[top++] = 0
    rank[0] = -2
    cursor[0] = this.firstEdge[0] as number
    while (top > 0) {
      const n = stack[top - 1] as number
      const end = this.firstEdge[n + 1] as number
      let pushed = false
      while ((cursor[n] as number) < end) {
        const e = cursor[n] as number
        cursor[n] = e + 1
        if (this.edges[e * 3] === weak) continue
        const to = (this.edges[e * 3 + 2] as number) / this.nodeFields
        if (rank[to] !== -1) continue
        rank[to] = -2
        cursor[to] = this.firstEdge[to] as number
        stack[top++] = to
        pushed = true
        break
      }
      if (pushed) continue
      top--
      rank[n] = visited
      order[visited++] = n
    }
    // predecessors of each reachable node, as one flat list
    const predStart = new Uint32Array(count + 1)
    this.forEachStrongEdge(weak, rank, (_from, to) => {
      predStart[to + 1] = (predStart[to + 1] as number) + 1
    })
    for (let n = 0; n < count; n++) predStart[n + 1] = (predStart[n + 1] as number) + (predStart[n] as number)
    const preds = new Uint32Array(predStart[count] as number)
    const fill = predStart.slice(0, count)
    this.forEachStrongEdge(weak, rank, (from, to) => {
      preds[fill[to] as number] = from
      fill[to] = (fill[to] as number) + 1
    })
    // idom by postorder rank; the root dominates itself
    const idom = new Int32Array(visited).fill(-1)
    idom[visited - 1] = visited - 1
    for (let changed = true; changed; ) {
      changed = false
      for (let r = visited - 2; r >= 0; r--) {
        const n = order[r] as number
        let next = -1
        for (let p = predStart[n] as number; p < (predStart[n + 1] as number); p++) {
          let other = rank[preds[p] as number] as number
          if (idom[other] === -1) continue
          if (next === -1) {
            next = other
            continue
          }
          let finger = next
          while (finger !== other) {
            while (finger < other) finger = idom[finger] as number
            while (other < finger) other = idom[other] as number
          }
          next = finger
        }
        if (next !== -1 && idom[r] !== next) {
          idom[r] = next
          changed = true
        }
      }
    }
    const retained = new Float64Array(count)
    for (let r = 0; r < visited; r++) retained[order[r] as number] = this.selfSize(order[r] as number)
    for (let r = 0; r < visited - 1; r++) {
      const parent = order[idom[r] as number] as number
      retained[parent] = (retained[parent] as number) + (retained[order[r] as number] as number)
    }
    return retained
  }

  private forEachStrongEdge(weak: number, rank: Int32Array, visit: (from: number, to: number) => void): void {
    for (let n = 0; n < this.nodeCount; n++) {
      if ((rank[n] as number) < 0) continue
      for (let e = this.firstEdge[n] as number; e < (this.firstEdge[n + 1] as number); e++) {
        if (this.edges[e * 3] !== weak) visit(n, (this.edges[e * 3 + 2] as number) / this.nodeFields)
      }
    }
  }
}

/** Reads a snapshot as it streams: the header, the `nodes` and `edges` number arrays, then the strings. */
export async function readHeapSnapshot(stream: Readable): Promise<HeapGraph> {
  let phase: 'head' | 'nodes' | 'between' | 'edges' | 'tail' = 'head'
  let text = ''
  let meta: SnapshotMeta | undefined
  let nodes = new Float64Array(0)
  let edges = new Uint32Array(0)
  let filled = 0
  let number = -1
  const tail: string[] = []
  for await (const chunk of stream as AsyncIterable<string | Buffer>) {
    text += String(chunk)
    while (text.length > 0) {
      if (phase === 'head' || phase === 'between') {
        const key = phase === 'head' ? '"nodes":[' : '"edges":['
        const at = text.indexOf(key)
        if (at === -1) break
        if (phase === 'head') {
          const parsed = JSON.parse(`${text.slice(0, at).replace(/,\s*$/, '')}}`) as {
            snapshot: { meta: SnapshotMeta; node_count: number; edge_count: number }
          }
          meta = parsed.snapshot.meta
          nodes = new Float64Array(parsed.snapshot.node_count * meta.node_fields.length)
          edges = new Uint32Array(parsed.snapshot.edge_count * meta.edge_fields.length)
        }
        phase = phase === 'head' ? 'nodes' : 'edges'
        filled = 0
        text = text.slice(at + key.length)
        continue
      }
      if (phase === 'tail') {
        tail.push(text)
        text = ''
        break
      }
      // the digits of the current array; a ']' ends it
      const target = phase === 'nodes' ? nodes : edges
      let i = 0
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i)
        if (c >= 48 && c <= 57) number = (number < 0 ? 0 : number * 10) + (c - 48)
        else {
          if (number >= 0) target[filled++] = number
          number = -1
          if (c === 93) break
        }
      }
      if (i >= text.length) {
        text = ''
        break
      }
      text = text.slice(i + 1)
      phase = phase === 'nodes' ? 'between' : 'tail'
    }
  }
  if (meta === undefined || phase !== 'tail') throw new Error('the heap snapshot ended early')
  const rest = tail.join('')
  const start = rest.indexOf('"strings":[')
  const strings = JSON.parse(rest.slice(start + '"strings":'.length, rest.lastIndexOf(']') + 1)) as string[]
  return new HeapGraph(meta, nodes, edges, strings)
}
