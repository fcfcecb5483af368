/**
 * What this tab calls itself as a device of its person: the browser, as its
 * person would recognise it ("Firefox tab"). Given when it is linked, and
 * written in the person's group so that every device of theirs lists it so.
 */
export function thisBrowser(): string {
  const agent = navigator.userAgent
  const browser = /Firefox\//.test(agent) ? 'Firefox' : /Edg\//.test(agent) ? 'Edge' : /Chrome|Chromium/.test(agent) ? 'Chromium' : 'Browser'
  return `${browser} tab`
}
