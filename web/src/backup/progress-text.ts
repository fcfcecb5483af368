/** What a long backup, restore or import is doing, as a person reads it. */

export type BackupStep =
  | { kind: 'key'; done: number }
  | { kind: 'entries'; done: number; total: number }
  | { kind: 'checking'; done: number; total: number }
  | { kind: 'adding'; done: number; total: number }

const number = (n: number): string => n.toLocaleString('en')

export function progressText(step: BackupStep, verb: 'Backing up' | 'Restoring'): string {
  switch (step.kind) {
    case 'key':
      return `Deriving the key from the passphrase (this takes a few seconds): ${Math.floor(step.done * 100)}%`
    case 'entries':
      return `${verb}: ${number(step.done)} of ${number(step.total)} entries`
    case 'checking':
      return `Checking the bundle: ${number(step.done)} of ${number(step.total)} entries`
    case 'adding':
      return `Importing: ${number(step.done)} of ${number(step.total)} entries`
  }
}

/** How far along, from 0 to 1, for a progress bar. */
export function progressValue(step: BackupStep): number {
  return step.kind === 'key' ? step.done : step.total === 0 ? 1 : step.done / step.total
}
