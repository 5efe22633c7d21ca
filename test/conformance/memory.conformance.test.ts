import { memoryStore } from '../../src/store/memory-store.js';
import { defineStoreConformance } from '../../src/testing/conformance/index.js';

defineStoreConformance({ name: 'memoryStore', create: async () => ({ store: memoryStore() }) });
// The plain-JSON form is the same contract over other text: it runs the whole kit too.
defineStoreConformance({ name: 'memoryStore({ compact: false })', create: async () => ({ store: memoryStore({ compact: false }) }) });
