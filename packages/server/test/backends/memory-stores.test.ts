import { MemoryLockStore } from '../../src/backends/memory/memory-lock-store.ts';
import { MemoryPresenceStore } from '../../src/backends/memory/memory-presence-store.ts';
import { lockStoreConformance } from './lock-store-conformance.ts';
import { presenceStoreConformance } from './presence-store-conformance.ts';

presenceStoreConformance('memory', async () => new MemoryPresenceStore());
lockStoreConformance('memory', async () => new MemoryLockStore());
