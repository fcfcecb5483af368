/**
 * GroupAbout: a group's name, topic, description and disappearing-message
 * timer (seconds, 0 when off), as its view shows them, and changing them — admins only (core's view takes a metadata
 * change from an admin alone; here anyone else is refused before anything
 * is written, with the admins to ask).
 */
import { MAX_DISAPPEARING_MS, MAX_NAME_LENGTH, type MetadataOperation, MIN_GROUP_TIMER_S, requireAdmin, toHex } from '@causette/core'
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
  async change(ref: string, changes: { name?: string; topic?: string; description?: string; disappearing?: number }): Promise<AboutResponse> {
    const { directory, peer } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const op: MetadataOperation = { type: 'metadata', ...changes }
    if (changes.name !== undefined && (changes.name.trim() === '' || changes.name.length > MAX_NAME_LENGTH)) {
      throw new InvalidRequestError(`a group's name is 1 to ${MAX_NAME_LENGTH} characters`)
    }
    if (op.name === undefined && op.topic === undefined && op.description === undefined && op.disappearing === undefined) {
      throw new InvalidRequestError('give at least one of name, topic, description, disappearing')
    }
    const d = op.disappearing
    if (d !== undefined && d !== 0 && (d < MIN_GROUP_TIMER_S || d * 1000 > MAX_DISAPPEARING_MS)) {
      throw new InvalidRequestError("a group's disappearing-message timer is off (0) or from 5 minutes to 4 weeks")
    }
    const membership = log.membership()
    if (membership !== undefined) {
      const what = d === undefined ? "change the group's name, topic or description" : "set the group's disappearing-message timer"
      requireAdmin(membership, toHex(peer.key.publicKey), what)
    }
    await peer.send(log.idHex, op)
    return { group: directory.resolve(log.idHex).ref, ...log.view.metadata() }
  }
}
