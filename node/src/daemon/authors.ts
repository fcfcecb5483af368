/**
 * Who wrote what, as a person reads it: each author's safety-number
 * fingerprint (costly to compute, so cached per key, and kept in the store
 * across restarts when one is given) and display name — the
 * one the author gave in the group's log (its `profile` operations), and
 * for this device the one in its settings until the log shows one — and
 * whether someone else in the group goes by the same name, in which case
 * the fingerprint is what tells them apart. A member's fingerprint is
 * computed when it joins (warm()), one key per turn of the event loop, so
 * its first messages do not pay for it while they are being taken in.
 */
import { fingerprint, fromHex, type GroupLog } from '@causette/core'
import type { AuthorView } from '../api/api-types.ts'
import { nodeSha512 } from '../node-hashes.ts'

const CACHE_SIZE = 10_000

/** Where fingerprints computed once are kept (the store's fingerprints table). */
export interface FingerprintKeeper {
  get(key: string): string | undefined
  keep(key: string, fingerprint: string): void
}

export class Authors {
  readonly self: string
  private readonly selfName: () => string | undefined
  /** The person this device is (the key of their first device): its other devices' messages are "you" too. */
  readonly person: () => string
  private readonly fingerprints = new Map<string, string>()
  /** Groups whose members warm() is to go through, and keys waiting for their fingerprints. */
  private readonly groupsToWarm = new Set<GroupLog>()
  private readonly toWarm = new Set<string>()
  private warming: ReturnType<typeof setImmediate> | undefined

  private readonly kept: FingerprintKeeper | undefined

  constructor(selfKeyHex: string, selfName: () => string | undefined, person: () => string = () => selfKeyHex, kept?: FingerprintKeeper) {
    this.self = selfKeyHex
    this.selfName = selfName
    this.person = person
    this.kept = kept
  }

  fingerprint(keyHex: string): string {
    let value = this.fingerprints.get(keyHex)
    if (value === undefined) {
      value = this.kept?.get(keyHex)
      if (value === undefined) {
        value = fingerprint(fromHex(keyHex), nodeSha512)
        this.kept?.keep(keyHex, value)
      }
      if (this.fingerprints.size >= CACHE_SIZE) this.fingerprints.delete(this.fingerprints.keys().next().value as string)
      this.fingerprints.set(keyHex, value)
    }
    return value
  }

  /**
   * Computes the fingerprints of a group's members in the background, one
   * per turn, before anyone asks for them. Called on every membership
   * change: the members are listed once per turn however many changed.
   */
  warm(log: GroupLog): void {
    this.groupsToWarm.add(log)
    this.warming ??= setImmediate(() => this.warmNext())
  }

  /** Stops warming (the daemon is stopping). */
  stop(): void {
    if (this.warming !== undefined) clearImmediate(this.warming)
    this.warming = undefined
    this.groupsToWarm.clear()
    this.toWarm.clear()
  }

  private warmNext(): void {
    this.warming = undefined
    for (const log of this.groupsToWarm) for (const m of log.members()) if (!this.fingerprints.has(m.key)) this.toWarm.add(m.key)
    this.groupsToWarm.clear()
    const key = this.toWarm.values().next().value
    if (key === undefined) return
    this.toWarm.delete(key)
    // the cache is sized for the members a daemon shows; warming never evicts what was asked for
    if (this.fingerprints.size < CACHE_SIZE) this.fingerprint(key)
    if (this.toWarm.size > 0) this.warming = setImmediate(() => this.warmNext())
  }

  /**
   * How the authors of one group read; `log` is undefined while the group
   * is still opening (then only this device has a name). `fallback` names
   * those the log shows no name for (a blocked member's own entries are
   * hidden, its profile too).
   */
  of(log: GroupLog | undefined, fallback: ReadonlyMap<string, string> = new Map()): GroupAuthors {
    const names = log === undefined ? new Map<string, string>() : log.view.displayNames()
    const own = this.selfName()
    if (own !== undefined && !names.has(this.self)) names.set(this.self, own)
    for (const [key, name] of fallback) if (!names.has(key)) names.set(key, name)
    const members = log?.membership()?.members
    return new GroupAuthors(this, names, (key) => members?.get(key)?.person ?? key)
  }
}

/** The authors of one group, with the names they go by there. */
export class GroupAuthors {
  private readonly authors: Authors
  private readonly names: ReadonlyMap<string, string>
  /** The people (person keys) going by each name: a person's devices share theirs. */
  private readonly holders = new Map<string, Set<string>>()
  private readonly personOf: (device: string) => string

  /** `personOf`: the person a device of the group is (docs/devices.md); the device itself unless linked. */
  constructor(authors: Authors, names: ReadonlyMap<string, string>, personOf: (device: string) => string = (device) => device) {
    this.authors = authors
    this.names = names
    this.personOf = personOf
    for (const [key, name] of names) {
      const holders = this.holders.get(sameName(name)) ?? new Set<string>()
      holders.add(personOf(key))
      this.holders.set(sameName(name), holders)
    }
  }

  /** The display name a member gave in this group (a device of a person goes by the person's, if it gave none). */
  name(keyHex: string): string | undefined {
    return this.names.get(keyHex) ?? this.names.get(this.personOf(keyHex))
  }

  /** An author as people see them: the person's fingerprint, whether it is you (on any of your devices), the name. */
  view(keyHex: string): AuthorView {
    const person = this.personOf(keyHex)
    const name = this.name(keyHex)
    return {
      fingerprint: this.authors.fingerprint(person),
      you: keyHex === this.authors.self || person === this.authors.person(),
      ...(name === undefined ? {} : { name, nameShared: (this.holders.get(sameName(name))?.size ?? 0) > 1 })
    }
  }

  /** The views of these authors, by key. */
  viewsOf(keys: Iterable<string>): Record<string, AuthorView> {
    const out: Record<string, AuthorView> = {}
    for (const key of keys) out[key] ??= this.view(key)
    return out
  }
}

/** Two names people would take for the same: case, accents' encoding and surrounding spaces aside. */
export function sameName(name: string): string {
  return name.normalize('NFC').trim().toLowerCase()
}
