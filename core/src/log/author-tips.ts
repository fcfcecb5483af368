/**
 * Each author's place in the log, as much as writing and admission need:
 * the highest seq and the entry holding it, and the equivocations found
 * (two entries of one author with one seq). The rest of each author's chain
 * is in the store (Store.idsAt finds an equivocation's other half).
 */
import type { LogEntry } from './log-entry.ts'

export interface Equivocation {
  author: string
  seq: number
  ids: string[]
}

export class AuthorTips {
  private readonly tips = new Map<string, LogEntry>()
  private readonly found: Equivocation[] = []

  /** Records an accepted entry: the author's tip if its seq is the highest (the last written, if the author forked). */
  record(node: LogEntry): void {
    const tip = this.tips.get(node.authorHex)
    if (tip === undefined || node.seq >= tip.seq) this.tips.set(node.authorHex, node)
  }

  /** Records an equivocation: `ids` are entries of the author with this seq. Its ids are kept sorted, so every replica reports the same. */
  equivocation(authorHex: string, seq: number, ids: string[]): Equivocation {
    let known = this.found.find((e) => e.author === authorHex && e.seq === seq)
    if (known === undefined) {
      known = { author: authorHex, seq, ids: [] }
      this.found.push(known)
    }
    for (const id of ids) if (!known.ids.includes(id)) known.ids.push(id)
    known.ids.sort()
    return { author: authorHex, seq, ids: [...known.ids] }
  }

  maxSeq(authorHex: string): number {
    return this.tips.get(authorHex)?.seq ?? 0
  }

  /** The author's latest entry (the last written, if the author forked). */
  latest(authorHex: string): LogEntry | undefined {
    return this.tips.get(authorHex)
  }

  seqs(): Map<string, number> {
    return new Map([...this.tips].map(([author, tip]) => [author, tip.seq]))
  }

  equivocations(): Equivocation[] {
    return this.found.map((e) => ({ ...e, ids: [...e.ids] }))
  }
}
