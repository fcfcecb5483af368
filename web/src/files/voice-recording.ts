/**
 * Recording a voice note with the browser's microphone (MediaRecorder, in
 * the first audio type this browser records: Opus in WebM in Chromium and
 * Firefox, MP4 in Safari). A refused or missing microphone is an error
 * that says what to do.
 */

const TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4']

/** The microphone could not be used: the message says why and what to do. */
export class MicrophoneError extends Error {
  static override name = 'MicrophoneError'
  override name = 'MicrophoneError'
}

export interface VoiceNote {
  file: File
  /** Its length, ms. */
  duration: number
}

export class VoiceRecording {
  private readonly recorder: MediaRecorder
  private readonly stream: MediaStream
  private readonly parts: Blob[] = []
  readonly started = Date.now()

  /** Asks for the microphone and starts recording; MicrophoneError when it cannot. */
  static async start(): Promise<VoiceRecording> {
    if (navigator.mediaDevices?.getUserMedia === undefined || typeof MediaRecorder === 'undefined') {
      throw new MicrophoneError('This browser cannot record sound on this page (it needs a secure page, https or this computer’s own address).')
    }
    let stream: MediaStream
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true })
    } catch (err) {
      throw microphoneError(err)
    }
    return new VoiceRecording(stream)
  }

  private constructor(stream: MediaStream) {
    this.stream = stream
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t))
    this.recorder = new MediaRecorder(stream, mimeType === undefined ? {} : { mimeType })
    this.recorder.addEventListener('dataavailable', (e) => {
      if (e.data.size > 0) this.parts.push(e.data)
    })
    // a piece every second, so a long note is not held by the recorder alone
    this.recorder.start(1000)
  }

  /** Stops and gives the note as a file named for when it was recorded. */
  async stop(): Promise<VoiceNote> {
    const stopped = new Promise((resolve) => this.recorder.addEventListener('stop', resolve, { once: true }))
    this.recorder.stop()
    await stopped
    this.release()
    if (this.parts.length === 0) throw new MicrophoneError('Nothing was recorded: record for a moment longer, then stop.')
    const duration = Date.now() - this.started
    const type = (this.recorder.mimeType || 'audio/webm').split(';')[0] as string
    const extension = type === 'audio/mp4' ? 'm4a' : (type.split('/')[1] ?? 'webm')
    const name = `Voice note ${new Date(this.started).toISOString().slice(0, 19).replace('T', ' ').replaceAll(':', '.')}.${extension}`
    return { file: new File(this.parts, name, { type }), duration }
  }

  /** Stops and throws the recording away. */
  cancel(): void {
    if (this.recorder.state !== 'inactive') this.recorder.stop()
    this.release()
  }

  private release(): void {
    for (const track of this.stream.getTracks()) track.stop()
  }
}

function microphoneError(err: unknown): MicrophoneError {
  const name = err instanceof Error ? err.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return new MicrophoneError(
      'Your browser did not allow Causette to use the microphone. Allow it for this site (the icon in the address bar), then record again.'
    )
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return new MicrophoneError('No microphone was found: connect one, then record again.')
  if (name === 'NotReadableError')
    return new MicrophoneError('The microphone is in use by another program or could not be started: close that program, then record again.')
  return new MicrophoneError(`The microphone could not be used (${err instanceof Error ? err.message : String(err)}).`)
}
