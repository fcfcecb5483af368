/** Opening a file a person named (a backup, a bundle) for reading, saying plainly why it cannot be. */
import { type FileHandle, open } from 'node:fs/promises'
import { UnreadableFileError } from './errors.ts'

export async function openToRead(path: string): Promise<FileHandle> {
  let handle: FileHandle | undefined
  try {
    handle = await open(path, 'r')
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' })
    return handle
  } catch (err) {
    await handle?.close()
    throw new UnreadableFileError(path, { cause: err })
  }
}
