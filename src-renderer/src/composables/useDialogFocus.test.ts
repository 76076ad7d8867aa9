import { createApp, defineComponent, h, ref } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import { useDialogFocus } from './useDialogFocus';

function mountDialog(close: () => void) {
  const opener = document.createElement('button');
  document.body.append(opener);
  opener.focus();
  const host = document.createElement('div');
  document.body.append(host);
  let onKey: (e: KeyboardEvent) => void = () => {};
  const app = createApp(
    defineComponent({
      setup() {
        const panel = ref<HTMLElement | null>(null);
        onKey = useDialogFocus(panel, 'input', close).onKey;
        return () => h('div', { ref: panel }, [h('input', { id: 'first' }), h('button', { id: 'last' }, 'OK')]);
      },
    }),
  );
  app.mount(host);
  const key = (k: string, shiftKey = false) => {
    const event = new KeyboardEvent('keydown', { key: k, shiftKey, cancelable: true });
    onKey(event);
    return event;
  };
  return { app, opener, key, byId: (id: string) => host.querySelector<HTMLElement>(`#${id}`)! };
}

describe('useDialogFocus', () => {
  it('moves focus in, keeps Tab inside, closes on Escape and gives focus back', () => {
    const close = vi.fn();
    const { app, opener, key, byId } = mountDialog(close);
    expect(document.activeElement).toBe(byId('first'));
    byId('last').focus();
    expect(key('Tab').defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(byId('first'));
    expect(key('Tab', true).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(byId('last'));
    key('Escape');
    expect(close).toHaveBeenCalledOnce();
    app.unmount();
    expect(document.activeElement).toBe(opener);
  });
});
