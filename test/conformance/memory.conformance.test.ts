import { memoryStore } from '../../src/store/memory-store.js';
import { defineStoreConformance } from '../../src/testing/conformance/index.js';

defineStoreConformance({ name: 'memoryStore', create: async () => ({ store: memoryStore() }) });
