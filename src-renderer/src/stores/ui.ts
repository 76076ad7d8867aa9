// Appearance and layout: theme, language, pane sizes, dialogs and notices. Persisted in localStorage.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { i18n, detectLocale, type Locale, LOCALES } from '../i18n';

export type ThemePreference = 'system' | 'light' | 'dark';
export type Dialog = null | 'open' | 'save' | 'templates' | 'about' | 'recover' | 'shortcuts';

export interface PaneSizes {
  palette: number;
  inspector: number;
  bottom: number;
  packetDetails: number;
  packetBytes: number;
}

const DEFAULT_PANES: PaneSizes = { palette: 128, inspector: 380, bottom: 260, packetDetails: 340, packetBytes: 380 };
const STORAGE_KEY = 'packetlab.ui';

interface Saved {
  theme?: ThemePreference;
  locale?: Locale;
  panes?: Partial<PaneSizes>;
}

function readSaved(): Saved {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Saved;
  } catch {
    return {};
  }
}

export interface Notice {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

export const useUiStore = defineStore('ui', () => {
  const saved = readSaved();
  const theme = ref<ThemePreference>(saved.theme ?? 'system');
  const systemDark = ref(typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches);
  if (typeof matchMedia === 'function') {
    matchMedia('(prefers-color-scheme: dark)').addEventListener?.('change', (e) => (systemDark.value = e.matches));
  }
  const resolvedTheme = computed<'light' | 'dark'>(() => (theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value));

  const locale = ref<Locale>(saved.locale && LOCALES.includes(saved.locale) ? saved.locale : detectLocale());
  const panes = ref<PaneSizes>({ ...DEFAULT_PANES, ...saved.panes });
  const dialog = ref<Dialog>(null);
  const notices = ref<Notice[]>([]);
  let noticeId = 0;

  watch(
    resolvedTheme,
    (t) => {
      if (typeof document !== 'undefined') {
        document.documentElement.dataset.theme = t;
        document.documentElement.style.colorScheme = t;
      }
    },
    { immediate: true },
  );
  watch(
    locale,
    (l) => {
      i18n.global.locale.value = l;
      if (typeof document !== 'undefined') document.documentElement.lang = l;
    },
    { immediate: true },
  );
  watch(
    [theme, locale, panes],
    () => {
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify({ theme: theme.value, locale: locale.value, panes: panes.value }));
      } catch {
        /* storage may be unavailable; preferences then last for this session only */
      }
    },
    { deep: true },
  );

  function toggleTheme(): void {
    theme.value = resolvedTheme.value === 'dark' ? 'light' : 'dark';
  }
  function setLocale(l: string): void {
    if ((LOCALES as readonly string[]).includes(l)) locale.value = l as Locale;
  }
  function setPane(key: keyof PaneSizes, size: number): void {
    panes.value = { ...panes.value, [key]: Math.round(size) };
  }
  function resetPanes(): void {
    panes.value = { ...DEFAULT_PANES };
  }
  function notify(kind: Notice['kind'], text: string, ms = 5000): void {
    const id = ++noticeId;
    notices.value = [...notices.value, { id, kind, text }];
    if (ms > 0) setTimeout(() => dismiss(id), ms);
  }
  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  return { theme, resolvedTheme, locale, panes, dialog, notices, toggleTheme, setLocale, setPane, resetPanes, notify, dismiss };
});
