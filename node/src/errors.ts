/**
 * Every condition the Node runtime refuses, one class each. Callers branch on
 * `err.name`; messages say what was wrong and what a person can do about it.
 */

export class DataDirLockedError extends Error {
  static override name = 'DataDirLockedError'
  override name = 'DataDirLockedError'
  constructor(path: string, options?: ErrorOptions) {
    super(`another Causette daemon is using ${path}; stop it first (causette stop) or use another --home`, options)
  }
}

export class StoreTooNewError extends Error {
  static override name = 'StoreTooNewError'
  override name = 'StoreTooNewError'
  constructor(path: string, found: number, known: number) {
    super(`${path} was written by a newer Causette (store schema ${found}, this version knows up to ${known}); upgrade Causette to open it`)
  }
}

export class NotAStoreError extends Error {
  static override name = 'NotAStoreError'
  override name = 'NotAStoreError'
  constructor(path: string, options?: ErrorOptions) {
    super(`${path} is not a Causette database (not SQLite, or damaged); move it away or use another --home`, options)
  }
}

export class DaemonAlreadyRunningError extends Error {
  static override name = 'DaemonAlreadyRunningError'
  override name = 'DaemonAlreadyRunningError'
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

export class DaemonNotRunningError extends Error {
  static override name = 'DaemonNotRunningError'
  override name = 'DaemonNotRunningError'
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

export class DataDirNotWritableError extends Error {
  static override name = 'DataDirNotWritableError'
  override name = 'DataDirNotWritableError'
  constructor(path: string, options?: ErrorOptions) {
    const reason = (options?.cause as NodeJS.ErrnoException | undefined)?.code
    super(
      `cannot write to the data directory ${path}${reason === undefined ? '' : ` (${reason})`}; fix its permissions or choose another with --home`,
      options
    )
  }
}

export class PortInUseError extends Error {
  static override name = 'PortInUseError'
  override name = 'PortInUseError'
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

export class AmbiguousGroupError extends Error {
  static override name = 'AmbiguousGroupError'
  override name = 'AmbiguousGroupError'
  constructor(message: string) {
    super(message)
  }
}

export class UnknownMessageError extends Error {
  static override name = 'UnknownMessageError'
  override name = 'UnknownMessageError'
  constructor(message: string) {
    super(message)
  }
}

/** A request the control API cannot act on: the message names the field and what it must be. */
export class InvalidRequestError extends Error {
  static override name = 'InvalidRequestError'
  override name = 'InvalidRequestError'
  constructor(message: string) {
    super(message)
  }
}

export class FileStorageFullError extends Error {
  static override name = 'FileStorageFullError'
  override name = 'FileStorageFullError'
}

export class RangeNotSatisfiableError extends Error {
  static override name = 'RangeNotSatisfiableError'
  override name = 'RangeNotSatisfiableError'
  constructor(size: number) {
    super(`the range asked for starts past the end of the file (${size} bytes)`)
  }
}

export class RequestTooLargeError extends Error {
  static override name = 'RequestTooLargeError'
  override name = 'RequestTooLargeError'
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`)
  }
}

export class UnauthorizedError extends Error {
  static override name = 'UnauthorizedError'
  override name = 'UnauthorizedError'
  constructor(
    message = 'this request lacks the API token: send "Authorization: Bearer <token>" with the token from the api-token file in the data directory'
  ) {
    super(message)
  }
}

export class RouteNotFoundError extends Error {
  static override name = 'RouteNotFoundError'
  override name = 'RouteNotFoundError'
  constructor(method: string, path: string) {
    super(`no API endpoint ${method} ${path}; docs/control-api.md lists them`)
  }
}

/** A path outside /v1/ that is no file of the web app (or the app is not built). */
export class WebAppFileNotFoundError extends Error {
  static override name = 'WebAppFileNotFoundError'
  override name = 'WebAppFileNotFoundError'
  constructor(path: string, built: boolean) {
    super(
      built
        ? `the web app has no file ${path.slice(0, 200)}; open / for the app, and see docs/control-api.md for the API under /v1/`
        : 'the web app is not built: start the daemon with `npm start` from the Causette folder, which builds it (docs/web-app.md)'
    )
  }
}

export class DaemonStoppingError extends Error {
  static override name = 'DaemonStoppingError'
  override name = 'DaemonStoppingError'
  constructor(message = 'the daemon is shutting down') {
    super(message)
  }
}

export class InvalidDurationError extends Error {
  static override name = 'InvalidDurationError'
  override name = 'InvalidDurationError'
  constructor(text: string) {
    super(`"${text}" is not a duration: write a number and a unit, e.g. 90s, 30m, 12h, 7d or 2w`)
  }
}

export class InvalidConfigError extends Error {
  static override name = 'InvalidConfigError'
  override name = 'InvalidConfigError'
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

export class DeviceKeyFileError extends Error {
  static override name = 'DeviceKeyFileError'
  override name = 'DeviceKeyFileError'
  constructor(path: string, options?: ErrorOptions) {
    super(
      `the device key file ${path} is damaged (${(options?.cause as Error | undefined)?.message ?? 'unreadable'}); restore it from a backup, or move it away to start as a new device`,
      options
    )
  }
}

export class UnsupportedMediaTypeError extends Error {
  static override name = 'UnsupportedMediaTypeError'
  override name = 'UnsupportedMediaTypeError'
  constructor(message = 'send the request body as JSON, with "Content-Type: application/json"') {
    super(message)
  }
}

export class MethodNotAllowedError extends Error {
  static override name = 'MethodNotAllowedError'
  override name = 'MethodNotAllowedError'
  constructor(method: string, path: string, allowed: string[]) {
    super(`${path} does not take ${method}; it takes ${allowed.join(', ')}`)
  }
}

/** The daemon refused a request: `errorName` and the message are the daemon's. */
export class ApiRequestError extends Error {
  static override name = 'ApiRequestError'
  override name = 'ApiRequestError'
  readonly errorName: string
  readonly status: number
  constructor(errorName: string, message: string, status: number) {
    super(message)
    this.errorName = errorName
    this.status = status
  }
}

/** A file a command was told to write (a backup, a bundle) that cannot be made there. */
export class CannotWriteFileError extends Error {
  static override name = 'CannotWriteFileError'
  override name = 'CannotWriteFileError'
  constructor(path: string, options: { cause: unknown }) {
    const code = (options.cause as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'its directory does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'you may not write there'
          : code === 'EISDIR'
            ? 'it is a directory'
            : code === 'ENOSPC'
              ? 'the disk is full'
              : String(code)
    super(`cannot write ${path}: ${why}; nothing was written — choose another file with -o`, options)
  }
}

/** A command line that cannot be acted on: the message says what to write instead. */
export class UsageError extends Error {
  static override name = 'UsageError'
  override name = 'UsageError'
  constructor(message: string) {
    super(message)
  }
}

export class StopTimeoutError extends Error {
  static override name = 'StopTimeoutError'
  override name = 'StopTimeoutError'
  constructor(pid: number, seconds: number) {
    super(`the daemon (pid ${pid}) is still stopping after ${seconds} s; if it stays stuck, end it with \`kill ${pid}\``)
  }
}

export class UnknownMemberError extends Error {
  static override name = 'UnknownMemberError'
  override name = 'UnknownMemberError'
  constructor(message: string) {
    super(message)
  }
}

/** No invite of the group has an id starting with what was given. */
export class UnknownInviteError extends Error {
  static override name = 'UnknownInviteError'
  override name = 'UnknownInviteError'
  constructor(message: string) {
    super(message)
  }
}

/** Several invites of the group have ids starting with what was given. */
export class AmbiguousInviteError extends Error {
  static override name = 'AmbiguousInviteError'
  override name = 'AmbiguousInviteError'
  constructor(message: string) {
    super(message)
  }
}

export class AmbiguousMemberError extends Error {
  static override name = 'AmbiguousMemberError'
  override name = 'AmbiguousMemberError'
  constructor(message: string) {
    super(message)
  }
}

/** The safety number a person read out of band is not the one this device computes: nothing is recorded. */
export class SafetyNumberMismatchError extends Error {
  static override name = 'SafetyNumberMismatchError'
  override name = 'SafetyNumberMismatchError'
  constructor(message: string) {
    super(message)
  }
}

/** An edit or deletion this device may not make (not its message, not a moderator): says whose it is and who may. */
export class NotYourMessageError extends Error {
  static override name = 'NotYourMessageError'
  override name = 'NotYourMessageError'
}

/** An action on a message that was deleted. */
export class MessageDeletedError extends Error {
  static override name = 'MessageDeletedError'
  override name = 'MessageDeletedError'
}

/** A vote or a close naming a message that is not a poll. */
export class NotAPollError extends Error {
  static override name = 'NotAPollError'
  override name = 'NotAPollError'
}

/** A vote in (or a close of) a poll that is closed. */
export class PollClosedError extends Error {
  static override name = 'PollClosedError'
  override name = 'PollClosedError'
}

/** A vote naming an option the poll lacks, or several options of a single-choice poll: says which options there are. */
export class InvalidVoteError extends Error {
  static override name = 'InvalidVoteError'
  override name = 'InvalidVoteError'
}
