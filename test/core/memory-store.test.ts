import { MemoryStore } from '@causette/core'
import { runStoreConformance } from './store-conformance.ts'

runStoreConformance('memory', async () => ({ store: new MemoryStore() }))
