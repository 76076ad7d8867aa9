import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createApp, defineComponent, h, nextTick } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { HostClient, type HostTransport } from '../../../src-shared/ipc/client';
import type { EventName } from '../../../src-shared/ipc/channels';
import { setHostClient } from '../host';
import { i18n } from '../i18n';
import { useAppCommands } from './useAppCommands';
import { useLabStore } from '../stores/lab';
import { useUiStore } from '../stores/ui';

/** A host whose menu the test clicks: events are pushed to the renderer's subscribers. */
function menuHost() {
  const handlers = new Set<(name: EventName, payload: unknown) => void>();
  const transport: HostTransport = {
    request: async () => null,
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
  setHostClient(new HostClient(transport));
  return (command: string, arg?: string) => handlers.forEach((h) => h('menu.command', { command, arg }));
}

function mount() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const el = document.createElement('div');
  document.body.append(el);
  const app = createApp(defineComponent({ setup: () => (useAppCommands(), () => h('div')) }));
  app.use(pinia).use(i18n).mount(el);
  return app;
}

describe('app commands', () => {
  let click: ReturnType<typeof menuHost>;
  beforeEach(() => {
    click = menuHost();
  });
  afterEach(() => setHostClient(null));

  it('switches the language and the theme from the menu', async () => {
    const app = mount();
    const ui = useUiStore();
    click('setLanguage', 'ko');
    await nextTick();
    expect(ui.locale).toBe('ko');
    expect(i18n.global.locale.value).toBe('ko');
    expect(document.documentElement.lang).toBe('ko');
    click('setLanguage', 'xx');
    expect(ui.locale).toBe('ko');
    const before = ui.resolvedTheme;
    click('toggleTheme');
    await nextTick();
    expect(ui.resolvedTheme).not.toBe(before);
    expect(document.documentElement.dataset.theme).toBe(ui.resolvedTheme);
    click('setLanguage', 'en');
    app.unmount();
  });

  it('undoes and redoes from the menu and from the keyboard, but leaves text fields their own undo', async () => {
    const app = mount();
    const lab = useLabStore();
    lab.newLab();
    lab.addDevice('host', { x: 0, y: 0 });
    click('undo');
    expect(lab.devices).toHaveLength(0);
    click('redo');
    expect(lab.devices).toHaveLength(1);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true }));
    expect(lab.devices).toHaveLength(0);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, shiftKey: true }));
    expect(lab.devices).toHaveLength(1);
    const input = document.createElement('input');
    document.body.append(input);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true }));
    expect(lab.devices).toHaveLength(1);
    app.unmount();
  });

  it('asks before leaving only when there are unsaved changes', () => {
    const app = mount();
    const lab = useLabStore();
    lab.newLab();
    const clean = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(clean);
    expect(clean.defaultPrevented).toBe(false);
    lab.addDevice('router', { x: 0, y: 0 });
    const dirty = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(dirty);
    expect(dirty.defaultPrevented).toBe(true);
    app.unmount();
  });
});
