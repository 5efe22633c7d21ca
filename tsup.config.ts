import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    calendar: 'src/calendar/index.ts',
    routing: 'src/routing/index.ts',
    testing: 'src/testing/index.ts',
    sqlite: 'src/adapters/sqlite/index.ts',
    postgres: 'src/adapters/postgres/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
});
