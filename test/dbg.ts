import { GroupLog, MemoryStore } from '@causette/core'
import { entryBytes } from '/work/main/test/fixtures/entry-bytes.ts'
import { freshDeviceKeys, signatures } from '/work/main/test/fixtures/replicas.ts'

const [k, k2] = await freshDeviceKeys(2)
const store = new MemoryStore()
const a = await GroupLog.create({ name: 'x', key: k!, store, signatures, recentEntries: 4 })
const inv = await a.invite()
const bstore = new MemoryStore()
const b = await GroupLog.open({ groupId: a.id, secret: a.secret, key: k2!, store: bstore, signatures, recentEntries: 4 })
await b.add(await entryBytes(a))
await b.join(inv)
await a.add(await entryBytes(b))
await a.rekey()
await b.add(await entryBytes(a))
for (let i = 0; i < 30; i++) {
  await a.append({ type: 'message', text: 'a' + i })
  await b.append({ type: 'message', text: 'b' + i })
  if (i % 5 === 0) {
    await a.add(await entryBytes(b))
    await b.add(await entryBytes(a))
  }
}
await a.add(await entryBytes(b))
console.log('a size', a.size, 'pending', a.pendingCount, await store.countEntries(a.id))
const r = await GroupLog.open({ groupId: a.id, secret: a.secret, key: k!, store, signatures, recentEntries: 4 })
console.log('reopened', r.size, r.pendingCount, r.view.messageCount, a.view.messageCount)
