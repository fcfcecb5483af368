/**
 * The room a daemon gives files' pieces (`--file-storage-mb`): when a new
 * piece would go past it, pieces fetched from others are evicted, the
 * oldest of each group first and one group after another, so one busy
 * group does not wipe the others'. Pieces of files this device sent are
 * never evicted: they may be the only copy. What was evicted is fetched
 * again from members or relays when a person opens the file. The pieces
 * on disk are counted once, at the first write, by walking the directory.
 */
import { readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { FileStorageFullError } from '../errors.ts'

interface Piece {
  path: string
  size: number
  time: number
}

/** Sub-directory of a group's pieces that holds this device's own. */
export const OWN_DIR = 'own'

export class BlobQuota {
  readonly limitBytes: number
  private readonly dir: string
  private used = 0
  /** Group hex → evictable pieces, oldest first. */
  private evictable?: Map<string, Piece[]>

  constructor(dir: string, limitBytes: number) {
    this.dir = dir
    this.limitBytes = limitBytes
  }

  /** Makes room for a piece of `size` bytes, evicting others' pieces if need be; throws FileStorageFullError when only this device's own are left. */
  async reserve(size: number): Promise<void> {
    const groups = await this.load()
    let turn = 0
    while (this.used + size > this.limitBytes) {
      const candidates = [...groups.values()].filter((list) => list.length > 0)
      if (candidates.length === 0) {
        throw new FileStorageFullError(
          `the room for files (${Math.round(this.limitBytes / 1_000_000)} MB) is full of files this device sent, which are never evicted; raise it with --file-storage-mb, or delete messages with files`
        )
      }
      const piece = (candidates[turn++ % candidates.length] as Piece[]).shift() as Piece
      await unlink(piece.path).catch(() => undefined)
      this.used -= piece.size
    }
  }

  /** A piece was written: counted, and evictable unless it is this device's own. */
  added(group: string, path: string, size: number, own: boolean): void {
    this.used += size
    if (own || this.evictable === undefined) return
    const list = this.evictable.get(group) ?? []
    list.push({ path, size, time: Date.now() })
    this.evictable.set(group, list)
  }

  /** A piece was deleted. */
  removed(group: string, path: string, size: number): void {
    this.used -= size
    const list = this.evictable?.get(group)
    const at = list?.findIndex((p) => p.path === path) ?? -1
    if (at >= 0) list?.splice(at, 1)
  }

  private async load(): Promise<Map<string, Piece[]>> {
    if (this.evictable !== undefined) return this.evictable
    const groups = new Map<string, Piece[]>()
    let used = 0
    // a group's pieces are in its directory; files beside them (the ledger of hand-overs to relays) are none
    const groupDirs = (await readdir(this.dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name)
    for (const group of groupDirs) {
      const pieces: Piece[] = []
      for (const entry of await readdir(join(this.dir, group), { recursive: true, withFileTypes: true }).catch(() => [])) {
        if (!entry.isFile() || entry.name.endsWith('.tmp')) continue
        const path = join(entry.parentPath, entry.name)
        const info = await stat(path).catch(() => undefined)
        if (info === undefined) continue
        used += info.size
        if (!path.includes(`/${OWN_DIR}/`)) pieces.push({ path, size: info.size, time: info.mtimeMs })
      }
      groups.set(
        group,
        pieces.sort((a, b) => a.time - b.time)
      )
    }
    this.used = used
    this.evictable = groups
    return groups
  }
}
