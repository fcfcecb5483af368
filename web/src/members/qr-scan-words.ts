/**
 * What a QR scan of a safety number compares, and what it says when the
 * camera cannot be used (QrScan.tsx).
 */

/** Whether a scanned text is this safety number: the digits alone count (the terminal's code has no spaces, the web app's has). */
export function sameDigits(scanned: string, expected: string): boolean {
  const digits = scanned.replace(/\s+/g, '')
  return /^\d+$/.test(digits) && digits === expected.replace(/\s+/g, '')
}

/** A person's sentence for a camera that could not be used, with what to do instead. */
export function cameraProblem(err: Error): string {
  const name = err.name
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Your browser did not allow Causette to use the camera. Allow it for this site (the icon in the address bar) and scan again, or type the digits instead.'
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this device: type the digits instead.'
  if (name === 'NotReadableError') {
    return 'The camera is in use by another program or could not be started: close that program and scan again, or type the digits instead.'
  }
  return `The camera could not be used (${err.message}): type the digits instead.`
}
