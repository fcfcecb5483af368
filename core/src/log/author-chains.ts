/**
 * Each author's hash chain as the log holds it: the highest seq, the id at
 * each seq, and the equivocations (two entries of one author with one seq).
 */

export interface Equivocation {
  author: string
  seq: number
  ids: string[]
}

interface Chain {
  maxSeq: number
  /** Index seq: id hex, or several ids when the author equivocated. */
  bySeq: Array<string | string[] | undefined>
}

export class AuthorChains {
  private readonly chains = new Map<string, Chain>()
  private readonly found: Equivocation[] = []

  /** Records an accepted entry; returns the equivocation it reveals, if any. */
  record(authorHex: string, seq: number, idHex: string): Equivocation | undefined {
    let chain = this.chains.get(authorHex)
    if (chain === undefined) {
      chain = { maxSeq: 0, bySeq: [] }
      this.chains.set(authorHex, chain)
    }
    if (seq > chain.maxSeq) chain.maxSeq = seq
    const existing = chain.bySeq[seq]
    if (existing === undefined) {
      chain.bySeq[seq] = idHex
      return undefined
    }
    const ids = typeof existing === 'string' ? [existing, idHex] : [...existing, idHex]
    chain.bySeq[seq] = ids
    let known = this.found.find((e) => e.author === authorHex && e.seq === seq)
    if (known === undefined) {
      known = { author: authorHex, seq, ids }
      this.found.push(known)
    } else {
      known.ids = ids
    }
    return { author: authorHex, seq, ids: [...ids] }
  }

  maxSeq(authorHex: string): number {
    return this.chains.get(authorHex)?.maxSeq ?? 0
  }

  /** The id of the author's latest entry (the last written, if the author forked). */
  latest(authorHex: string): string | undefined {
    const chain = this.chains.get(authorHex)
    const ids = chain?.bySeq[chain.maxSeq]
    return typeof ids === 'string' ? ids : ids?.[ids.length - 1]
  }

  seqs(): Map<string, number> {
    return new Map([...this.chains].map(([author, chain]) => [author, chain.maxSeq]))
  }

  equivocations(): Equivocation[] {
    return this.found.map((e) => ({ ...e, ids: [...e.ids] }))
  }
}
