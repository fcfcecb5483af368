/**
 * Making a poll: a question, two to ten options (one per line), one choice
 * or several. Sent as a message with a poll (core checks the options again).
 */
import { MAX_POLL_OPTION_LENGTH, MAX_POLL_OPTIONS, MAX_TEXT_LENGTH, MIN_POLL_OPTIONS } from '@causette/core'
import { type Component, createSignal } from 'solid-js'
import { AppDialog } from '../app/AppDialog.tsx'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'

/** The options in the text, one per line; throws saying what is wrong with them. */
export function pollOptions(text: string): string[] {
  const options = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  if (options.length < MIN_POLL_OPTIONS || options.length > MAX_POLL_OPTIONS) {
    throw new Error(`Give ${MIN_POLL_OPTIONS} to ${MAX_POLL_OPTIONS} options, one per line (you gave ${options.length}).`)
  }
  const long = options.findIndex((o) => o.length > MAX_POLL_OPTION_LENGTH)
  if (long >= 0) throw new Error(`Option ${long + 1} is longer than ${MAX_POLL_OPTION_LENGTH} characters.`)
  if (new Set(options).size !== options.length) throw new Error('Two options are the same: make each one different.')
  return options
}

export const PollDialog: Component<{ groupId: string }> = (props) => {
  const session = useSession()
  const [question, setQuestion] = createSignal('')
  const [options, setOptions] = createSignal('')
  const [multiple, setMultiple] = createSignal(false)
  const [error, setError] = createSignal<string>()
  const [sent, setSent] = createSignal<string>()
  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    try {
      const text = question().trim()
      if (text === '') throw new Error('Ask a question.')
      await session.peer.send(props.groupId, { type: 'message', text, poll: { options: pollOptions(options()), multiple: multiple() } })
      setQuestion('')
      setOptions('')
      setError(undefined)
      setSent(`Poll sent: “${text}”.`)
    } catch (err) {
      setSent(undefined)
      setError(personMessage(err))
    }
  }
  return (
    <AppDialog trigger="New poll" triggerClass="poll-button" title="New poll" error={error()} onOpenChange={() => setSent(undefined)}>
      <form class="settings" onSubmit={submit} novalidate>
        <label for="poll-question">Question</label>
        <input id="poll-question" maxLength={MAX_TEXT_LENGTH} value={question()} onInput={(e) => setQuestion(e.currentTarget.value)} />
        <label for="poll-options">Options, one per line</label>
        <textarea id="poll-options" rows="4" value={options()} onInput={(e) => setOptions(e.currentTarget.value)} />
        <label class="choice">
          <input type="checkbox" checked={multiple()} onChange={(e) => setMultiple(e.currentTarget.checked)} />
          People may choose several options
        </label>
        <button type="submit">Send poll</button>
      </form>
      <p role="status">{sent()}</p>
    </AppDialog>
  )
}
