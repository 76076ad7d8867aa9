// Focus handling every modal dialog needs: focus moves in on open and back on close, Escape
// closes, Tab and Shift+Tab stay inside the dialog.
import { onBeforeUnmount, onMounted, type Ref } from 'vue';

const FOCUSABLE = 'button, input, select, textarea, [tabindex="0"]';

export function useDialogFocus(panel: Ref<HTMLElement | null>, initialFocus: string, close: () => void): { onKey(event: KeyboardEvent): void } {
  let previous: HTMLElement | null = null;
  onMounted(() => {
    previous = document.activeElement as HTMLElement | null;
    panel.value?.querySelector<HTMLElement>(initialFocus)?.focus();
  });
  onBeforeUnmount(() => previous?.focus?.());

  function onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    } else if (event.key === 'Tab' && panel.value) {
      const focusable = [...panel.value.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.hasAttribute('disabled'));
      if (!focusable.length) return;
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        last.focus();
        event.preventDefault();
      } else if (!event.shiftKey && document.activeElement === last) {
        first.focus();
        event.preventDefault();
      }
    }
  }
  return { onKey };
}
