/** Why a relay's mailbox refuses an entry that is well formed and signed: each says what to do. */

export class MailboxQuotaError extends Error {
  static override name = 'MailboxQuotaError'
  override name = 'MailboxQuotaError'
}

export class MailboxRateError extends Error {
  static override name = 'MailboxRateError'
  override name = 'MailboxRateError'
}

/** What a refusal is counted as in /metrics, from the error's name. */
export type RefusalReason = 'malformed' | 'oversize' | 'forged' | 'wrong-group' | 'rate' | 'over-quota' | 'erased-early'

export function refusalReason(err: unknown): RefusalReason {
  switch ((err as Error).name) {
    case 'EntryTooLargeError':
      return 'oversize'
    case 'InvalidSignatureError':
      return 'forged'
    case 'WrongGroupError':
      return 'wrong-group'
    case 'MailboxRateError':
      return 'rate'
    case 'MailboxQuotaError':
      return 'over-quota'
    case 'ErasedTooEarlyError':
      return 'erased-early'
    default:
      return 'malformed'
  }
}
