/**
 * Where a command writes: data on stdout (text for people, or one JSON
 * document per result with --json), notes and hints for people on stderr,
 * so `causette invite G` or `causette export G` can be piped.
 */

export class Output {
  readonly json: boolean

  constructor(json: boolean) {
    this.json = json
  }

  /** A line of data for people (ignored with --json). */
  line(text = ''): void {
    if (!this.json) process.stdout.write(`${text}\n`)
  }

  /** One JSON document (only with --json). */
  data(value: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(value)}\n`)
  }

  /** A remark for people, never part of the data. */
  note(text: string): void {
    if (!this.json) process.stderr.write(`${text}\n`)
  }
}
