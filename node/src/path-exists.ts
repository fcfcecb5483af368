/** Whether something is at a path (a file, a directory): what several parts ask before they write or read. Other failures (no permission) are thrown. */
import { stat } from 'node:fs/promises'

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return false
    throw err
  }
}
