/**
 * GroupAbout: a group's name, topic and description, as its view shows
 * them, and changing them — admins only (core's view takes a metadata
 * change from an admin alone; here anyone else is refused before anything
 * is written, with the admins to ask).
 */
import { MAX_NAME_LENGTH, type MetadataOperation, requireAdmin, toHex } from '@causette/core'
import type { AboutResponse } from '../api/api-types.ts'
import { InvalidRequestError } from '../errors.ts'
import type { DaemonParts } from './daemon.ts'

export class GroupAbout {
  private readonly parts: Pick<DaemonParts, 'directory' | 'peer'>

  constructor(parts: Pick<DaemonParts, 'directory' | 'peer'>) {
    this.parts = parts
  }

  async about(ref: string): Promise<AboutResponse> {
    const known = this.parts.directory.resolve(ref)
    const log = await this.parts.directory.openLog(known)
    return { group: known.ref, ...log.view.metadata() }
  }

  /** Changes what is given; resolves once the change is committed, with what the group shows now. */
  async change(ref: string, changes: { name?: string; topic?: string; description?: string }): Promise<AboutResponse> {
    const { directory, peer } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const op: MetadataOperation = { type: 'metadata', ...changes }
    if (changes.name !== undefined && (changes.name.trim() === '' || changes.name.length > MAX_NAME_LENGTH)) {
      throw new InvalidRequestError(`a group's name is 1 to ${MAX_NAME_LENGTH} characters`)
    }
    if (op.name === undefined && op.topic === undefined && op.description === undefined) {
      throw new InvalidRequestError('give at least one of name, topic, description')
    }
    const membership = log.membership()
    if (membership !== undefined) requireAdmin(membership, toHex(peer.key.publicKey), "change the group's name, topic or description")
    await peer.send(log.idHex, op)
    return { group: directory.resolve(log.idHex).ref, ...log.view.metadata() }
  }
}
