/**
 * What goes wrong when a person links a new device: a link that is not
 * one, expired or already used, a refusal by the other device (the codes
 * did not match, or the person said no), a device that is not new, or no
 * answer in time. Runtimes turn these into a person's words
 * (node/src/api/error-messages.ts).
 */

export class MalformedDeviceLinkError extends Error {
  static override name = 'MalformedDeviceLinkError'
  override name = 'MalformedDeviceLinkError'
  constructor(message = 'This is not a Causette device link: it starts with causette:link/ and is shown by `causette link` on your other device') {
    super(message)
  }
}

export class DeviceLinkExpiredError extends Error {
  static override name = 'DeviceLinkExpiredError'
  override name = 'DeviceLinkExpiredError'
  constructor(message = 'This device link has expired or was already used: run `causette link` on your other device again for a new one') {
    super(message)
  }
}

export class DeviceLinkRefusedError extends Error {
  static override name = 'DeviceLinkRefusedError'
  override name = 'DeviceLinkRefusedError'
  /** The other device's reason, in its words. */
  readonly reason: string
  constructor(reason: string) {
    super(`Your other device did not link this one: ${reason}`)
    this.reason = reason
  }
}

export class DeviceNotNewError extends Error {
  static override name = 'DeviceNotNewError'
  override name = 'DeviceNotNewError'
  readonly groups: number
  constructor(groups: number) {
    super(
      `This device is already in ${groups} group${groups === 1 ? '' : 's'} as a person of its own; only a new device can be linked. Use a new data directory (CAUSETTE_HOME) or leave those groups first`
    )
    this.groups = groups
  }
}

export class DeviceLinkTimeoutError extends Error {
  static override name = 'DeviceLinkTimeoutError'
  override name = 'DeviceLinkTimeoutError'
  constructor(message = 'Your other device did not answer in time: check that it is online and still showing the link, then try again') {
    super(message)
  }
}
