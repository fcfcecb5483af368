/**
 * What must hold of disappearing messages once a run has healed and every
 * peer has swept: each one past its deadline is held by every peer that
 * holds the group — the DAG stays whole — with its body erased, and no
 * peer shows it; one not yet due is shown like any message.
 */
import { decodeEntry, fromHex } from '@causette/core'
import { holders } from './convergence-check.ts'
import type { SimPeer } from './sim-peer.ts'

export async function erasureProblems(peers: readonly SimPeer[], disappearing: ReadonlyMap<string, number>, now: number): Promise<string[]> {
  const problems: string[] = []
  for (const peer of holders(peers)) {
    const log = peer.runningLog
    for (const [id, expires] of disappearing) {
      const [bytes] = await log.getEntries([fromHex(id)])
      if (bytes === undefined) {
        problems.push(`${peer.name} lacks the disappearing message ${id.slice(0, 12)}: an erased entry must still link the DAG`)
        continue
      }
      const erased = decodeEntry(bytes).erased === true
      if (expires <= now && !erased) problems.push(`${peer.name} still holds the body of ${id.slice(0, 12)}, due ${now - expires} ms ago`)
      if (expires > now && erased) problems.push(`${peer.name} erased ${id.slice(0, 12)} ${expires - now} ms before its deadline`)
      if (expires <= now && (await log.view.message(id)) !== undefined) problems.push(`${peer.name} still shows ${id.slice(0, 12)} past its deadline`)
    }
  }
  return problems
}
