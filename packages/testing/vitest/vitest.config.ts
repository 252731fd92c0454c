// Runs harness.spec.ts under vitest, the way an app's own vitest suite uses @kindling/testing.
// Vitest compiles the spec with esbuild, which reads `experimentalDecorators` from the nearest
// tsconfig.json (../tsconfig.json, from tsconfig.base.json) and emits no decorator metadata.
// Run by ../test/vitest-compat.test.ts; alone: `npx vitest run --root packages/testing/vitest`.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vitest's result cache would otherwise land in ./node_modules/.vite inside the source tree.
  cacheDir: join(tmpdir(), 'kindling-vitest-cache'),
  test: {
    include: ['harness.spec.ts'],
    // uWebSockets.js is a native addon: one process per test file, not worker threads.
    pool: 'forks',
    testTimeout: 10_000,
    hookTimeout: 10_000,
    server: {
      deps: {
        // The workspace packages resolve through symlinks to packages/*/dist, outside
        // node_modules, so vitest would transform them itself. Load them with Node instead,
        // as it loads @kindling/* installed from the registry.
        external: [/\/packages\/(?:core|testing|websocket)\/dist\//],
      },
    },
  },
});
