/**
 * What the relay tells its operator about AutoTLS, in words, and what
 * /health reports of it: waiting for a public address, asking the forge,
 * the certificate obtained (its name, its expiry, the secure WebSockets
 * addresses announced with it) or taken again from the data directory,
 * and what failed — the forge unreachable, the forge refusing, the ACME
 * server's error — while it keeps trying and serves TCP and WebSockets.
 *
 * AutoTLS itself (auto-tls-service.ts, loaded only when it is on) feeds
 * it: the forge's answers through the HTTP client it is given, ACME's
 * errors through its log, the certificate through libp2p's
 * `certificate:provision` event.
 */

export type AutoTlsState = 'waiting-for-address' | 'provisioning' | 'certified' | 'failing'

export interface AutoTlsHealth {
  state: AutoTlsState
  /** The name the certificate is for: `*.<peer id in base36>.<forge domain>`. */
  domain: string
  forge: string
  acmeDirectory: string
  /** When the certificate served expires (ISO 8601). */
  expires?: string
  /** Where the certificate served came from at this start. */
  certificateFrom?: 'acme' | 'data-dir'
  /** What went wrong last, in words, while not certified. */
  lastError?: string
}

/** Failing the same way again is said again at most this often (the package retries every 5 s). */
const REPEAT_MS = 10 * 60 * 1000

export class AutoTlsStatus {
  state: AutoTlsState = 'waiting-for-address'
  readonly domain: string
  readonly forge: string
  readonly acmeDirectory: string
  expires?: Date
  certificateFrom?: 'acme' | 'data-dir'
  lastError?: string
  /** The forge was asked at this start (a certificate that follows came from the CA, not the data directory). */
  private forgeAsked = false
  /** The forge was asked in the current attempt, and took the challenge: a failure that follows is ACME's, unless asked and not taken. */
  private forgeAskedNow = false
  private forgeAccepted = false
  private readonly lines: string[] = []
  private listener?: (line: string) => void
  private publicAddresses: string[] = []
  /** Each failure said, and when: said again only after REPEAT_MS (until a certificate comes). */
  private readonly failuresSaid = new Map<string, number>()

  constructor(init: { domain: string; forge: string; acmeDirectory: string }) {
    this.domain = init.domain
    this.forge = init.forge
    this.acmeDirectory = init.acmeDirectory
  }

  /** Each line said from now on, and those said before (kept until someone listens). */
  onReport(listener: (line: string) => void): void {
    this.listener = listener
    for (const line of this.lines.splice(0)) listener(line)
  }

  /** The start report's line: what it does now. */
  summary(): string {
    if (this.state === 'waiting-for-address') {
      return 'AutoTLS: no public address in use yet; TCP and WebSockets are served meanwhile'
    }
    if (this.state === 'certified') return `AutoTLS: serving the certificate for ${this.domain}, valid until ${this.expires?.toISOString()}`
    return `AutoTLS: public address ${this.publicAddresses.join(', ')}; a certificate for ${this.domain} follows, kept in the data directory or asked of the forge ${this.forge} (from ${this.acmeDirectory})`
  }

  health(): AutoTlsHealth {
    return {
      state: this.state,
      domain: this.domain,
      forge: this.forge,
      acmeDirectory: this.acmeDirectory,
      ...(this.expires === undefined ? {} : { expires: this.expires.toISOString() }),
      ...(this.certificateFrom === undefined ? {} : { certificateFrom: this.certificateFrom }),
      ...(this.lastError === undefined || this.state === 'certified' ? {} : { lastError: this.lastError })
    }
  }

  /** The relay's addresses now: whether AutoTLS has a public one to act on. */
  addresses(publicOnes: string[]): void {
    if (this.state !== 'waiting-for-address' || publicOnes.length === 0) return
    this.state = 'provisioning'
    this.publicAddresses = publicOnes
    // before the start report, its summary says this
    if (this.listener !== undefined)
      this.say(
        `AutoTLS: public address ${publicOnes.join(', ')}; a certificate for ${this.domain} follows (from the data directory, or asked of the forge)`
      )
  }

  /** AutoTLS starts an attempt (it logs it). */
  attemptStarted(): void {
    this.forgeAskedNow = false
    this.forgeAccepted = false
  }

  /** Whether the current attempt's failure is the forge's (asked, and it did not take the challenge). */
  get forgeFailing(): boolean {
    return this.forgeAskedNow && !this.forgeAccepted
  }

  askingForge(): void {
    this.forgeAsked = true
    this.forgeAskedNow = true
    this.forgeAccepted = false
    // while failing, each retry is not news: the failure is said (once) instead
    if (this.state === 'failing') return
    this.state = 'provisioning'
    this.say(`AutoTLS: asking the forge ${this.forge} to answer the ACME DNS challenge for ${this.domain}`)
  }

  forgeTookChallenge(): void {
    this.forgeAccepted = true
    // while failing, only a new failure, or the certificate, is news
    if (this.state === 'failing') return
    this.say(`AutoTLS: the forge took the challenge; asking ${this.acmeDirectory} for the certificate`)
  }

  forgeUnreachable(err: unknown): void {
    this.fail(`cannot reach the forge ${this.forge}: ${describe(err)}`)
  }

  forgeRefused(status: number, body: string): void {
    this.fail(`the forge ${this.forge} refused (HTTP ${status}${body === '' ? '' : `: ${body.slice(0, 200)}`})`)
  }

  /** An attempt failed (AutoTLS logs it and tries again 5 s later). */
  attemptFailed(err: unknown): void {
    if (this.forgeFailing) this.fail(`the forge did not take the challenge in this attempt (${describe(err)})`)
    else this.fail(`the ACME server ${this.acmeDirectory} failed: ${describe(err)}`)
  }

  /** An attempt failed, and the ACME directory does not answer (its client's own error says little then). */
  acmeUnreachable(err: unknown): void {
    this.fail(`cannot reach the ACME server ${this.acmeDirectory}: ${describe(err)}`)
  }

  certified(notAfter: Date, tlsAddresses: string[]): void {
    this.state = 'certified'
    this.failuresSaid.clear()
    this.expires = notAfter
    this.certificateFrom = this.forgeAsked ? 'acme' : 'data-dir'
    const from = this.forgeAsked ? `obtained from ${this.acmeDirectory}` : 'kept in the data directory, served again'
    const where =
      tlsAddresses.length === 0
        ? ' (no secure WebSockets address announced yet)'
        : `; secure WebSockets on:\n${tlsAddresses.map((a) => `  ${a}`).join('\n')}`
    this.say(`AutoTLS: certificate for ${this.domain} ${from}, valid until ${notAfter.toISOString()}${where}`)
  }

  private fail(what: string): void {
    if (this.state !== 'certified') this.state = 'failing'
    this.lastError = what
    const now = Date.now()
    if (now - (this.failuresSaid.get(what) ?? Number.NEGATIVE_INFINITY) < REPEAT_MS) return
    // failures' texts carry ports and messages; keep this from growing on a relay failing for months
    if (this.failuresSaid.size > 100) this.failuresSaid.clear()
    this.failuresSaid.set(what, now)
    this.say(`AutoTLS: ${what}; trying again in 5 s, and serving TCP and WebSockets meanwhile`)
  }

  private say(text: string): void {
    if (this.listener === undefined) this.lines.push(text)
    else this.listener(text)
  }
}

/** An error in words: its cause's message where fetch wraps one ("fetch failed" says nothing). */
function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string }; name?: string }
  const cause = e?.cause?.message ?? e?.cause?.code
  const message = e?.message ?? String(err)
  return cause !== undefined && cause !== '' ? `${message}: ${cause}` : message
}
