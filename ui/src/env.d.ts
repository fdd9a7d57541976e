/// <reference types="vite/client" />

// Single-file components are compiled by @vitejs/plugin-vue; this tells TypeScript what they export.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface ImportMetaEnv {
  /** Where operators open Temporal Web (e.g. http://localhost:8080 under docker compose). */
  readonly VITE_TEMPORAL_UI_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
