/**
 * What the web app's QR scan compares and says (web/src/members/qr-scan-words.ts):
 * the digits alone, whichever device printed the code, and a sentence with
 * what to do for each way the camera can fail. The scan itself runs in
 * Chromium in web-devices.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cameraProblem, sameDigits } from '../../web/src/members/qr-scan-words.ts'

const NUMBER = '12345 67890 12345 67890 12345 67890 12345 67890 12345 67890 12345 67890'

function named(name: string, message = ''): Error {
  return Object.assign(new Error(message), { name })
}

describe('a scanned safety number', () => {
  it('matches by its digits, with or without the spaces, and nothing else does', () => {
    assert.equal(sameDigits(NUMBER, NUMBER), true, 'the web app’s code, spaced')
    assert.equal(sameDigits(NUMBER.replaceAll(' ', ''), NUMBER), true, 'the terminal’s code, unspaced')
    assert.equal(sameDigits(NUMBER.replace('1', '2'), NUMBER), false, 'one digit off')
    assert.equal(sameDigits(`${NUMBER}0`, NUMBER), false, 'one digit more')
    assert.equal(sameDigits('https://example.org/12345', NUMBER), false, 'some other QR code')
    assert.equal(sameDigits('', NUMBER), false)
  })

  it('a camera that cannot be used says why and what to do', () => {
    assert.match(cameraProblem(named('NotAllowedError')), /did not allow Causette to use the camera.*Allow it for this site/)
    assert.match(cameraProblem(named('NotFoundError')), /No camera was found.*type the digits/)
    assert.match(cameraProblem(named('NotReadableError')), /in use by another program/)
    assert.match(cameraProblem(named('AbortError', 'the device went away')), /the device went away.*type the digits/)
  })
})
