/**
 * Verifying a member by their QR code: the camera, where the browser has
 * one and allows it, reads the safety number's QR code the other person's
 * device shows (the web app's, or `causette verify` in a terminal), and it
 * is compared digit for digit with the number this device computes. A
 * match marks them verified; anything else says what to do. The decoder
 * (jsQR) is loaded only when a scan starts, so it weighs nothing on the
 * app's first load. Typing the digits works everywhere else.
 */
import { type Component, createSignal, onCleanup, Show } from 'solid-js'
import { cameraProblem, sameDigits } from './qr-scan-words.ts'

/** How often a frame is looked at, and for how long before the scan gives up. */
const FRAME_MS = 150
const GIVE_UP_MS = 60_000

interface QrScanProps {
  /** The member's name, as the sentences say it. */
  name: string
  /** The safety number this device computes with them. */
  expected: string
  onMatch: () => void
}

type Outcome = { kind: 'idle' } | { kind: 'scanning' } | { kind: 'problem'; text: string }

export const QrScan: Component<QrScanProps> = (props) => {
  const [outcome, setOutcome] = createSignal<Outcome>({ kind: 'idle' })
  let video: HTMLVideoElement | undefined
  let stream: MediaStream | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let started = 0

  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
    for (const track of stream?.getTracks() ?? []) track.stop()
    stream = undefined
  }
  onCleanup(stop)

  const start = async (): Promise<void> => {
    setOutcome({ kind: 'scanning' })
    try {
      const [jsQR, media] = await Promise.all([
        loadDecoder(),
        navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      ])
      stream = media
      if (video === undefined) return stop()
      video.srcObject = media
      await video.play()
      const canvas = document.createElement('canvas')
      const context = canvas.getContext('2d', { willReadFrequently: true })
      started = performance.now()
      timer = setInterval(() => {
        if (video === undefined || context === null || video.videoWidth === 0) return
        if (performance.now() - started > GIVE_UP_MS) {
          stop()
          setOutcome({
            kind: 'problem',
            text: `No QR code was found in a minute. Hold ${props.name}’s code closer and steadier, and try again, or type the digits.`
          })
          return
        }
        canvas.width = video.videoWidth
        canvas.height = video.videoHeight
        context.drawImage(video, 0, 0)
        const image = context.getImageData(0, 0, canvas.width, canvas.height)
        const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' })
        if (found === null) return
        stop()
        if (sameDigits(found.data, props.expected)) {
          setOutcome({ kind: 'idle' })
          props.onMatch()
        } else {
          setOutcome({
            kind: 'problem',
            text: `The code scanned is not the safety number this device computes with ${props.name}: do not mark them verified, and check you are scanning the right person’s code.`
          })
        }
      }, FRAME_MS)
    } catch (err) {
      stop()
      setOutcome({ kind: 'problem', text: cameraProblem(err as Error) })
    }
  }

  return (
    <div class="qr-scan">
      <Show
        when={outcome().kind === 'scanning'}
        fallback={
          <button type="button" onClick={() => void start()}>
            Scan {props.name}’s QR code with the camera
          </button>
        }
      >
        <p class="hint" role="status">
          Point the camera at the QR code {props.name}’s device shows.
        </p>
        {/* muted and inline: a preview, never sound, and no full screen on phones */}
        <video ref={video} class="qr-preview" muted playsinline aria-label={`Camera preview for scanning ${props.name}’s QR code`} />
        <button
          type="button"
          onClick={() => {
            stop()
            setOutcome({ kind: 'idle' })
          }}
        >
          Stop scanning
        </button>
      </Show>
      <Show when={outcome().kind === 'problem'}>
        <p role="alert" class="error">
          {(outcome() as { text: string }).text}
        </p>
      </Show>
    </div>
  )
}

type Decoder = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: 'attemptBoth' }) => { data: string } | null

/** jsQR, whichever way the bundler hands over its CommonJS module (the function itself, or an object holding it as `default`). */
async function loadDecoder(): Promise<Decoder> {
  const loaded = (await import('jsqr')) as unknown as { default: Decoder | { default: Decoder } }
  return typeof loaded.default === 'function' ? loaded.default : loaded.default.default
}

/** Whether this browser can reach a camera at all (a secure page with media devices). */
export function cameraAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function'
}
