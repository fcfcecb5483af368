/** What the backup forms say when something fails. */

/** An error's message as a sentence on screen (core's messages start in lower case, to be embedded in the CLI's lines). */
export function sentence(err: unknown): string {
  const text = err instanceof Error && err.message !== '' ? err.message : 'Something went wrong. Reload the page to try again.'
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`
}
