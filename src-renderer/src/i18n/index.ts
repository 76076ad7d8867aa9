// vue-i18n setup: English and Korean, following the OS language unless the user picks one.
import { createI18n } from 'vue-i18n';
import { en } from './en';
import { ko } from './ko';
import { journeyMessages as journeyEn } from './journey.en';
import { journeyMessages as journeyKo } from './journey.ko';

export const LOCALES = ['en', 'ko'] as const;
export type Locale = (typeof LOCALES)[number];

export function detectLocale(languages: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]): Locale {
  for (const lang of languages) {
    const base = lang.toLowerCase().split('-')[0];
    if ((LOCALES as readonly string[]).includes(base)) return base as Locale;
  }
  return 'en';
}

export const i18n = createI18n({
  legacy: false,
  locale: detectLocale(),
  fallbackLocale: 'en',
  messages: { en: { ...en, journey: journeyEn }, ko: { ...ko, journey: journeyKo } },
  // Korean plural rules: one form for every count.
  pluralRules: { ko: () => 0 },
});

export const t = (key: string, named?: Record<string, unknown>): string => (named ? i18n.global.t(key, named) : i18n.global.t(key));
