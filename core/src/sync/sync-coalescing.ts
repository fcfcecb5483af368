/**
 * One sync session per (group, peer) at a time, whoever asks: a request
 * made while a session runs waits for it and then shares the one session
 * that starts after it, so that every caller gets a session begun after it
 * asked (it sees everything written before) and a burst of requests costs
 * two sessions, not one each. Without it, forty `sync` calls at once
 * opened forty streams to one peer, and the eight past the peer's limit of
 * inbound sync streams failed with a closed stream. A caller's signal
 * abandons its wait, not the session others share.
 */
export class SyncCoalescing<T> {
  private readonly runs = new Map<string, { current: Promise<T>; next?: Promise<T> }>()

  /** `start`'s result for `key`: the session running now if none is, else the one after it. */
  run(key: string, start: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const entry = this.runs.get(key)
    let shared: Promise<T>
    if (entry === undefined) shared = this.launch(key, start)
    else {
      entry.next ??= entry.current.then(
        () => this.launch(key, start),
        () => this.launch(key, start)
      )
      shared = entry.next
    }
    return signal === undefined ? shared : abandonable(shared, signal)
  }

  /** Sessions running or waiting to (for tests and status). */
  get size(): number {
    return this.runs.size
  }

  private launch(key: string, start: () => Promise<T>): Promise<T> {
    const current = start()
    const entry: { current: Promise<T>; next?: Promise<T> } = { current }
    this.runs.set(key, entry)
    const settle = (): void => {
      if (this.runs.get(key) === entry && entry.next === undefined) this.runs.delete(key)
    }
    current.then(settle, settle)
    return current
  }
}

function abandonable<T>(shared: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const abandon = (): void => reject(signal.reason)
    signal.addEventListener('abort', abandon, { once: true })
    shared.then(
      (value) => {
        signal.removeEventListener('abort', abandon)
        resolve(value)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', abandon)
        reject(err)
      }
    )
  })
}
