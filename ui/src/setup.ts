// Everything the app needs installed, in one plugin: Pinia, the router and the API client's
// hooks into the session. main.ts uses it with browser history, tests with memory history.
import { createPinia } from 'pinia';
import type { App } from 'vue';
import type { Router, RouterHistory } from 'vue-router';
import { configureApiClient } from './api';
import { createAppRouter } from './router';
import { useAuthStore } from './stores/auth';

export interface KingaPlugin {
  router: Router;
  install(app: App): void;
}

export function createKinga(history?: RouterHistory): KingaPlugin {
  const pinia = createPinia();
  const router = createAppRouter(history);
  return {
    router,
    install(app: App) {
      app.use(pinia);
      const auth = useAuthStore(pinia);
      configureApiClient({
        getToken: () => auth.token,
        onUnauthorized: () => auth.expire(),
      });
      app.use(router);
    },
  };
}
