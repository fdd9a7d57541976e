// `npm run test:ciso-contract`: the CISO Assistant contract suite against a real server
// (CISO_CONTRACT_URL, CISO_CONTRACT_TOKEN). No PostgreSQL or Temporal: the suite only speaks HTTP.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/integrations/ciso/contract.test.ts'],
    env: { CISO_CONTRACT_TARGET: 'url' },
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    watch: false,
  },
});
