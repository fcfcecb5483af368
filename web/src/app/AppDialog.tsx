/**
 * The app's dialogs, one shell for all: a button that opens it, a modal
 * window (Kobalte's: focus kept inside and given back, Escape closes) with
 * a title, what the dialog holds, a line for its error, and Close.
 */
import { Dialog } from '@kobalte/core/dialog'
import { type Component, type JSX, Show } from 'solid-js'

interface AppDialogProps {
  /** The label of the button that opens it. */
  trigger: string
  triggerClass?: string
  title: JSX.Element
  description?: string
  /** Said in the dialog's alert line when set. */
  error?: string | undefined
  onOpenChange?: (open: boolean) => void
  children: JSX.Element
}

export const AppDialog: Component<AppDialogProps> = (props) => (
  <Dialog {...(props.onOpenChange === undefined ? {} : { onOpenChange: props.onOpenChange })}>
    <Dialog.Trigger class={props.triggerClass}>{props.trigger}</Dialog.Trigger>
    <Dialog.Portal>
      <Dialog.Overlay class="overlay" />
      <div class="dialog-position">
        <Dialog.Content class="dialog">
          <Dialog.Title>{props.title}</Dialog.Title>
          <Show when={props.description}>
            <Dialog.Description class="hint">{props.description}</Dialog.Description>
          </Show>
          {props.children}
          <p role="alert" class="error">
            {props.error}
          </p>
          <Dialog.CloseButton class="close" aria-label="Close">
            Close
          </Dialog.CloseButton>
        </Dialog.Content>
      </div>
    </Dialog.Portal>
  </Dialog>
)
