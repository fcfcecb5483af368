/** Named errors of the sync protocol, each saying what the other peer did wrong. */

export class MalformedSyncFrameError extends Error {
  static override name = 'MalformedSyncFrameError'
  override name = 'MalformedSyncFrameError'
  constructor(message = 'The peer sent a sync message that is not well formed') {
    super(message)
  }
}

export class SyncRefusedError extends Error {
  static override name = 'SyncRefusedError'
  override name = 'SyncRefusedError'
  constructor(message = 'The peer refused to sync this group') {
    super(message)
  }
}

export class MembershipProofError extends Error {
  static override name = 'MembershipProofError'
  override name = 'MembershipProofError'
  constructor(message = 'The peer could not prove it is a member of the group') {
    super(message)
  }
}

export class SyncTimeoutError extends Error {
  static override name = 'SyncTimeoutError'
  override name = 'SyncTimeoutError'
  constructor(message = 'The peer stopped answering during sync') {
    super(message)
  }
}

export class InvalidSyncEntriesError extends Error {
  static override name = 'InvalidSyncEntriesError'
  override name = 'InvalidSyncEntriesError'
  constructor(message = 'The peer sent entries that are not valid for this group') {
    super(message)
  }
}
