/**
 * Reading a backup's passphrase: typed at the terminal without echo (asked
 * twice when it makes a backup), or read from the first line of standard
 * input with --passphrase-stdin, for scripts. Never from an argument or the
 * environment, where other processes and shell history could read it.
 */
import { createInterface } from 'node:readline'
import { MIN_PASSPHRASE_LENGTH, passphraseLength } from '@causette/core/backups'
import { NoPassphraseError, PassphraseMismatchError, WeakPassphraseError } from '../backup/errors.ts'

const CTRL_C = '\u0003'
const CTRL_D = '\u0004'
const BACKSPACES = new Set(['\u007f', '\b'])

export interface PassphraseOptions {
  fromStdin: boolean
  /** A new backup: asked twice on a terminal, and at least MIN_PASSPHRASE_LENGTH characters. */
  creating: boolean
}

export async function readPassphrase(options: PassphraseOptions): Promise<string> {
  let passphrase: string
  if (options.fromStdin) {
    passphrase = await firstLineOfStdin()
  } else {
    if (process.stdin.isTTY !== true) {
      throw new NoPassphraseError(
        'standard input is not a terminal, so the passphrase cannot be asked for: give it on the first line of standard input and add --passphrase-stdin'
      )
    }
    passphrase = await typed('Passphrase: ')
    if (options.creating) {
      // checked before the second prompt: a person should not type a short one twice to learn it is refused
      checkLength(passphrase)
      if ((await typed('Passphrase again: ')) !== passphrase) throw new PassphraseMismatchError()
    }
  }
  if (passphrase === '') throw new NoPassphraseError('the passphrase is empty; nothing was done')
  if (options.creating) checkLength(passphrase)
  return passphrase
}

function checkLength(passphrase: string): void {
  const length = passphraseLength(passphrase)
  if (length < MIN_PASSPHRASE_LENGTH) throw new WeakPassphraseError(MIN_PASSPHRASE_LENGTH, length)
}

async function firstLineOfStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
  try {
    for await (const line of lines) return line
    return ''
  } finally {
    lines.close()
  }
}

/** One line typed at the terminal, with nothing echoed; Ctrl-C or Ctrl-D gives up. */
function typed(prompt: string): Promise<string> {
  const stdin = process.stdin
  process.stderr.write(prompt)
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  stdin.resume()
  const { promise, resolve, reject } = Promise.withResolvers<string>()
  let text = ''
  const onData = (chunk: string): void => {
    for (const char of chunk) {
      if (char === '\r' || char === '\n') {
        resolve(text)
        return
      }
      if (char === CTRL_C || (char === CTRL_D && text === '')) {
        reject(new NoPassphraseError('no passphrase was given; nothing was done'))
        return
      }
      if (BACKSPACES.has(char)) text = [...text].slice(0, -1).join('')
      else if (char >= ' ') text += char
    }
  }
  stdin.on('data', onData)
  return promise.finally(() => {
    stdin.off('data', onData)
    stdin.setRawMode(false)
    stdin.pause()
    process.stderr.write('\n')
  })
}
