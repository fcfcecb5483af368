/**
 * Valid encodings of everything core decodes from the network or a paste:
 * entries, operations, sync frames and invite links, made by core itself from
 * a small group that used every operation. Mutations start from these.
 */
import {
  type DeviceKey,
  encodeEntry,
  encodeFrame,
  encodeOperation,
  GroupLog,
  generateDeviceKey,
  type Invite,
  inviteLink,
  inviteWebLink,
  MemoryStore,
  type Operation,
  Reconciler,
  type Signatures,
  StoreRanges,
  SYNC_VERSION,
  syncTag,
  toHex
} from '@causette/core'
import { nodeSignatures } from '@causette/node'
import { encode } from 'cborg'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'

export interface Corpus {
  entries: Uint8Array[]
  operations: Uint8Array[]
  frames: Uint8Array[]
  invites: string[]
  /** The group the entries belong to, for fuzzing sync against real logs. */
  group: SyncFixture
}

/** One group seen from two devices: `full` holds everything, `partial` the older half plus writes of its own. */
export interface SyncFixture {
  groupId: Uint8Array
  secret: Uint8Array
  signatures: Signatures
  fullKey: DeviceKey
  partialKey: DeviceKey
  /** Every writer's key, so a hostile member can sign what it likes. */
  writers: DeviceKey[]
  full: Uint8Array[]
  partial: Uint8Array[]
  /** The group's sync tag, which a hostile member could send. */
  tag: Uint8Array
}

export async function buildCorpus(): Promise<Corpus> {
  const signatures = nodeSignatures()
  const keys = [await generateDeviceKey(), await generateDeviceKey(), await generateDeviceKey()] as [DeviceKey, DeviceKey, DeviceKey]
  const a = await GroupLog.create({ name: 'Fuzzed group', key: keys[0], store: new MemoryStore(), signatures })
  const open = (key: DeviceKey) => GroupLog.open({ groupId: a.id, secret: a.secret, key, store: new MemoryStore(), signatures })
  const merge = async (from: GroupLog, to: GroupLog) => {
    await to.add(await entryBytes(from))
  }
  // two more members, each with an invite, as the peers do it
  const joined: GroupLog[] = []
  for (const key of [keys[1], keys[2]]) {
    const inviteId = await a.invite()
    const log = await open(key)
    await merge(a, log)
    await log.join(inviteId)
    await merge(log, a)
    joined.push(log)
  }
  const [b, c] = joined as [GroupLog, GroupLog]
  await merge(a, b)
  await merge(a, c)
  const first = await a.append({ type: 'message', text: 'first', mentions: [keys[1].publicKey] })
  const poll = await a.append({ type: 'message', text: 'Which day?', poll: { options: ['Sunday', 'Saturday', 'Friday'], multiple: true } })
  await merge(a, b)
  await merge(a, c)
  const operations: Operation[] = [
    { type: 'message', text: 'a reply', replyTo: first.id },
    { type: 'profile', displayName: 'Bea' },
    { type: 'edit', target: first.id, text: 'first, edited' },
    { type: 'reaction', target: first.id, emoji: '👍', add: true },
    { type: 'reaction', target: first.id, emoji: '👍', add: false },
    { type: 'read', upTo: first.id },
    { type: 'message', text: 'é🧗'.repeat(300), mentions: keys.map((k) => k.publicKey) },
    { type: 'delete', target: first.id },
    { type: 'metadata', name: 'Renamed', topic: 'a topic', description: 'a description' },
    { type: 'vote', poll: poll.id, choices: [0, 2] },
    { type: 'pin', target: first.id, pinned: true },
    { type: 'vote', poll: poll.id, choices: [] },
    { type: 'close-poll', poll: poll.id }
  ]
  // concurrent writers, so later entries name several parents
  for (const [i, op] of operations.entries()) await ([b, c, a][i % 3] as GroupLog).append(op)
  await merge(b, a)
  await merge(c, a)
  await a.setRole(toHex(keys[1].publicKey), 'moderator')
  await a.rekey()
  for (let i = 0; i < 6; i++) await a.append({ type: 'message', text: `message ${i}` })
  await a.remove(toHex(keys[2].publicKey))
  for (let i = 6; i < 10; i++) await a.append({ type: 'message', text: `message ${i}` })
  // the partial replica (b) holds the history up to the role change, then writes on its own
  const partial = await open(keys[1])
  const history = await logEntries(a)
  const upToRole = history.findIndex((e) => e.op?.type === 'role') + 1
  await partial.add((await entryBytes(a)).slice(0, upToRole))
  for (let i = 0; i < 3; i++) await partial.append({ type: 'message', text: `only on the partial replica ${i}` })

  const entries = await entryBytes(a)
  entries.push(
    ...craftedEntries(
      history.map((e) => e.id),
      keys[0].publicKey
    )
  )
  const ops = history.flatMap((e) => (e.op === undefined || e.op.type === 'unknown' ? [] : [encodeOperation(e.op)]))
  return {
    entries,
    operations: [...ops, encodeOperation({ type: 'leave' }), encode({ type: 'poll', question: 'an operation from a newer client' })],
    frames: await syncFrames(a, partial),
    invites: inviteLinks(a, keys[0]),
    group: {
      groupId: a.id,
      secret: a.secret,
      signatures,
      fullKey: keys[0],
      partialKey: keys[1],
      writers: keys,
      full: entries.slice(0, a.size),
      partial: await entryBytes(partial),
      tag: syncTag(a.syncKey)
    }
  }
}

/** Entries at the edges of the format: most parents, a later epoch, the largest time and seq, a body near the size limit. */
function craftedEntries(ids: Uint8Array[], author: Uint8Array): Uint8Array[] {
  const sorted = [...ids].sort((x, y) => Buffer.compare(x, y))
  const parents = Array.from({ length: 32 }, (_, i) => sorted[i % sorted.length] as Uint8Array)
    .map((id, i) => {
      const copy = id.slice()
      copy[31] = i
      return copy
    })
    .sort((x, y) => Buffer.compare(x, y))
  const base = {
    group: sorted[0] as Uint8Array,
    author,
    seq: 2,
    prev: sorted[1] as Uint8Array,
    clock: 9,
    parents: [sorted[2] as Uint8Array],
    time: 1_700_000_000_000,
    epoch: new Uint8Array(0),
    body: new Uint8Array(64)
  }
  const sig = new Uint8Array(64).fill(7)
  return [
    encodeEntry({ ...base, parents }, sig).bytes,
    encodeEntry({ ...base, epoch: new Uint8Array(16).fill(3) }, sig).bytes,
    encodeEntry({ ...base, seq: 2 ** 40, clock: 2 ** 33, time: 2 ** 48 - 1 }, sig).bytes,
    encodeEntry({ ...base, body: new Uint8Array(65_000) }, sig).bytes
  ]
}

/** The log's order as sync reads it, from its store. */
function rangesOf(log: GroupLog): StoreRanges {
  return new StoreRanges((range) => log.listKeys(range))
}

async function syncFrames(full: GroupLog, partial: GroupLog): Promise<Uint8Array[]> {
  const ranges = await new Reconciler(rangesOf(full)).initiate()
  const answer = await new Reconciler(rangesOf(partial)).receive(ranges)
  const ids = await new Reconciler(rangesOf(full), { idListThreshold: 1000 }).initiate()
  const wants = await new Reconciler(rangesOf(partial)).receive(ids)
  return [
    encodeFrame({ type: 'hello', version: SYNC_VERSION, tag: syncTag(full.syncKey), nonce: new Uint8Array(32).fill(1) }),
    encodeFrame({ type: 'welcome', nonce: new Uint8Array(32).fill(2), proof: new Uint8Array(32).fill(3) }),
    encodeFrame({ type: 'proof', proof: new Uint8Array(32).fill(4) }),
    encodeFrame({ type: 'refuse', reason: 'unknown group' }),
    encodeFrame({ type: 'ranges', ranges }),
    encodeFrame({ type: 'ranges', ranges: answer.reply }),
    encodeFrame({ type: 'ranges', ranges: ids }),
    encodeFrame({ type: 'ranges', ranges: wants.reply }),
    encodeFrame({ type: 'incoming', count: 3 }),
    encodeFrame({
      type: 'entries',
      entries: (await entryBytes(full)).slice(0, 3)
    }),
    encodeFrame({ type: 'done' })
  ]
}

function inviteLinks(group: GroupLog, inviter: DeviceKey): string[] {
  const invite: Invite = {
    groupId: group.id,
    secret: group.secret,
    inviter: inviter.publicKey,
    addresses: ['/ip4/192.168.1.20/tcp/4001/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo', '/dns4/relay.example/tcp/443/wss'],
    groupName: 'Fuzzed group',
    inviteId: new Uint8Array(16).fill(9),
    singleUse: false
  }
  return [
    inviteLink(invite),
    inviteLink({ ...invite, addresses: [], groupName: '', expires: 1_800_000_000_000, singleUse: true }),
    inviteLink({ ...invite, addresses: Array.from({ length: 8 }, (_, i) => `/ip6/::1/tcp/${4000 + i}/ws`), groupName: 'é'.repeat(200) }),
    // the largest invite there can be: eight addresses of 300 characters, a name of 200 three-byte characters
    inviteWebLink(
      {
        ...invite,
        addresses: Array.from({ length: 8 }, (_, i) => `/dns4/${String(i).repeat(282)}.example/tcp/443/wss`),
        groupName: '€'.repeat(200),
        expires: 2 ** 50
      },
      'https://causette.example/app/'
    ),
    inviteWebLink(invite, 'https://causette.example/app#old'),
    inviteLink(invite).slice('causette:join/'.length)
  ]
}
