/// <reference types="node" />
// Vite config for the analyst UI. Run from the repository root:
//   npx vite --config ui/vite.config.ts          (dev server, proxies to the API)
//   npx vite build --config ui/vite.config.ts    (production build into ui/dist)
// The same file serves as a vitest config for the UI's component tests
// (`npx vitest run --config ui/vite.config.ts`).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const uiRoot = fileURLToPath(new URL('.', import.meta.url));
// The API the dev server forwards to; in production the API serves ui/dist itself (same origin).
const apiTarget = process.env.KINGA_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: uiRoot,
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // no public source maps in production; `npm run ui:build -- --sourcemap` makes a debugging build
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      // SSE streams come through the same /api prefix; http-proxy passes them unbuffered.
      '/api': { target: apiTarget, changeOrigin: true },
      '/healthz': { target: apiTarget, changeOrigin: true },
    },
  },
  // `vite preview` serves ui/dist and reuses server.proxy
  preview: { host: '127.0.0.1' },
});
