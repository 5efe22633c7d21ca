import { kvStore, mapKeyValue } from '../../examples/kv-adapter.js';
import { defineStoreConformance } from '../../src/testing/conformance/index.js';

defineStoreConformance({ name: 'kvStore (examples/kv-adapter.ts)', create: async () => ({ store: kvStore(mapKeyValue()) }) });
