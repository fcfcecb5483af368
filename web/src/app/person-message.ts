/** What a person is told when something fails: the error's own message (core's are written for people), or a plain one. */
export function personMessage(err: unknown): string {
  if (err instanceof Error && err.message !== '') return err.message
  return 'Something went wrong. Reload the page to try again.'
}
