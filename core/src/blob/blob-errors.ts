/** What goes wrong with files: one class each, with a message that says what to do. */

/** A blob (a chunk or a manifest) that is not what its name or its key says. */
export class MalformedBlobError extends Error {
  static override name = 'MalformedBlobError'
  override name = 'MalformedBlobError'
}

/** No peer reachable now holds a chunk of the file. */
export class FileUnavailableError extends Error {
  static override name = 'FileUnavailableError'
  override name = 'FileUnavailableError'
}

/** A file over the size this device accepts. */
export class FileTooLargeError extends Error {
  static override name = 'FileTooLargeError'
  override name = 'FileTooLargeError'
}

/** A peer asked for chunks of a group it is no member of, or of a file the group does not hold. */
export class BlobRefusedError extends Error {
  static override name = 'BlobRefusedError'
  override name = 'BlobRefusedError'
}
