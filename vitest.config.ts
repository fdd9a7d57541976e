// The test command (`npm test` = `vitest run`). test/globalSetup.ts prepares PostgreSQL, Temporal
// and the workflow bundle once per run; tests reach them with inject() (see test/helpers/).
// UI component tests (ui/**/*.test.ts) pick their DOM per file: `// @vitest-environment happy-dom`.
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  test: {
    globalSetup: ['test/globalSetup.ts'],
    setupFiles: ['test/setup/temporalRuntime.ts'],
    include: ['test/**/*.test.ts', 'ui/**/*.test.ts'],
    exclude: ['**/node_modules/**', '.kinga/**', 'dist/**', 'ui/dist/**'],
    environment: 'node',
    // Generous: the suite must pass on a busy machine (a passing test costs only its real time).
    testTimeout: 180_000,
    hookTimeout: 300_000,
    teardownTimeout: 15_000,
    // expect.poll waits for what the UI or a workflow does next: 1 s (vitest's default) is not
    // enough when both cores are busy; a poll that succeeds returns as soon as it does.
    expect: { poll: { timeout: 30_000, interval: 50 } },
    pool: 'forks',
    maxWorkers: 2,
    watch: false,
  },
});
