/**
 * Handing bytes to the browser's downloads, as a person saves a file: a
 * link with a download name, clicked from the page and removed at once.
 */

/** Saves what an object URL holds under `name`; the URL stays the caller's. */
export function saveUrl(url: string, name: string): void {
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
}

/** Saves a blob under `name`; its URL is let go a minute later, long after the browser has read it. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  saveUrl(url, name)
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
