/**
 * Writes the person's settings this device changes into the person's own
 * group (person-setting.ts) — but not those it is taking from another
 * device, or handed when it was linked, which would only echo back. The
 * runtimes report each change of their stores here, and take others'
 * changes `quietly`.
 */
export class SettingWriter {
  private readonly write: (setting: string, value: string) => Promise<void>
  /** Above 0 while changes are being taken, not made here. */
  private quiet = 0

  /** `write` is core's DeviceLinking.changeSetting. */
  constructor(write: (setting: string, value: string) => Promise<void>) {
    this.write = write
  }

  /** A setting changed on this device: written for the person's other devices, once there are any. */
  changed(setting: string, value: string): void {
    // a device alone has no one to tell: the write does nothing, and a failure changes nothing here
    if (this.quiet === 0) void this.write(setting, value).catch(() => undefined)
  }

  /** Runs `take` without writing back what it changes. */
  async quietly<T>(take: () => Promise<T>): Promise<T> {
    this.quiet++
    try {
      return await take()
    } finally {
      this.quiet--
    }
  }
}
