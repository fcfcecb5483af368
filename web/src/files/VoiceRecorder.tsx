/** The composer's voice note button: record, then stop to send or cancel; how long it has been recording; why the microphone could not be used. */
import { type Component, createSignal, onCleanup, Show } from 'solid-js'
import { personMessage } from '../app/person-message.ts'
import { durationLabel } from './file-size.ts'
import { type VoiceNote, VoiceRecording } from './voice-recording.ts'

export const VoiceRecorder: Component<{ onRecorded: (note: VoiceNote) => void; onError: (message: string) => void }> = (props) => {
  const [recording, setRecording] = createSignal<VoiceRecording>()
  const [elapsed, setElapsed] = createSignal(0)
  const [starting, setStarting] = createSignal(false)
  let timer: ReturnType<typeof setInterval> | undefined
  const stopTimer = (): void => {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }
  const start = async (): Promise<void> => {
    setStarting(true)
    try {
      const r = await VoiceRecording.start()
      setRecording(r)
      setElapsed(0)
      timer = setInterval(() => setElapsed(Date.now() - r.started), 250)
    } catch (err) {
      props.onError(personMessage(err))
    } finally {
      setStarting(false)
    }
  }
  const stop = async (): Promise<void> => {
    const r = recording()
    if (r === undefined) return
    stopTimer()
    setRecording(undefined)
    try {
      props.onRecorded(await r.stop())
    } catch (err) {
      props.onError(personMessage(err))
    }
  }
  const cancel = (): void => {
    stopTimer()
    recording()?.cancel()
    setRecording(undefined)
  }
  onCleanup(cancel)
  return (
    <Show
      when={recording()}
      fallback={
        <button type="button" disabled={starting()} onClick={() => void start()}>
          <span aria-hidden="true">🎙️</span>
          <span class="visually-hidden">Record a voice note</span>
        </button>
      }
    >
      <span class="recording" role="status">
        Recording {durationLabel(elapsed())}
      </span>
      <button type="button" onClick={() => void stop()}>
        Stop and send
      </button>
      <button type="button" onClick={cancel}>
        Cancel
      </button>
    </Show>
  )
}
