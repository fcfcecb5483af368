/**
 * Which HTTP status each named error answers with. Anything not listed is a
 * fault of the daemon (500), reported with its name and message all the same.
 */

const STATUS: Record<string, number> = {
  InvalidRequestError: 400,
  InvalidDurationError: 400,
  MalformedInviteError: 400,
  TruncatedInviteError: 400,
  ExpiredInviteError: 400,
  InviteUsedError: 400,
  InviteRevokedError: 400,
  InvalidJoinError: 400,
  MalformedOperationError: 400,
  DisappearingNotAllowedError: 400,
  RangeNotSatisfiableError: 416,
  FileTooLargeError: 413,
  FileStorageFullError: 507,
  FileUnavailableError: 503,
  MalformedBlobError: 502,
  InvalidArgumentError: 400,
  InvalidVoteError: 400,
  NotABundleError: 400,
  UnsupportedBundleError: 400,
  BundleDamagedError: 400,
  UnauthorizedError: 401,
  NotAuthorizedError: 403,
  NotMemberError: 403,
  AdminOnlyError: 403,
  NotYourMessageError: 403,
  ModeratorOnlyError: 403,
  UnknownGroupError: 404,
  UnknownMessageError: 404,
  UnknownMemberError: 404,
  UnknownInviteError: 404,
  GroupNotHeldError: 404,
  RouteNotFoundError: 404,
  WebAppFileNotFoundError: 404,
  MethodNotAllowedError: 405,
  AmbiguousGroupError: 409,
  AmbiguousMemberError: 409,
  AmbiguousInviteError: 409,
  SafetyNumberMismatchError: 409,
  LastAdminError: 409,
  GroupNotSyncedError: 409,
  EpochKeyMissingError: 409,
  MessageDeletedError: 409,
  NotAPollError: 409,
  PollClosedError: 409,
  RequestTooLargeError: 413,
  BundleTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  DaemonStoppingError: 503,
  StoreClosedError: 503,
  JoinTimeoutError: 504
}

export function statusOf(err: unknown): number {
  return (err instanceof Error ? STATUS[err.name] : undefined) ?? 500
}
