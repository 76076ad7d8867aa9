// Test support: mounts a component as the app does (a fresh Pinia, the i18n plugin in English) into
// the test document, and takes it down again.
import { createApp, type App, type Component } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { i18n } from '../i18n';

export interface Mounted {
  root: HTMLElement;
  app: App;
  unmount(): void;
}

/** `prepare` runs with the new Pinia active, before mounting (to load a lab, set store state, …). */
export function mountWithStores(component: Component, prepare?: (pinia: Pinia) => void): Mounted {
  i18n.global.locale.value = 'en';
  const root = document.createElement('div');
  document.body.appendChild(root);
  const pinia = createPinia();
  setActivePinia(pinia);
  prepare?.(pinia);
  const app = createApp(component);
  app.use(pinia).use(i18n);
  app.mount(root);
  return {
    root,
    app,
    unmount: () => {
      app.unmount();
      root.remove();
    },
  };
}
