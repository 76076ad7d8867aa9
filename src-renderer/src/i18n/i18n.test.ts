import { describe, it, expect } from 'vitest';
import { en } from './en';
import { ko } from './ko';
import { detectLocale, i18n } from './index';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
}

describe('i18n', () => {
  it('has every English key in Korean and every Korean key in English', () => {
    const enKeys = keys(en).sort();
    const koKeys = keys(ko).sort();
    expect(koKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !koKeys.includes(k))).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const get = (obj: object, key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as string;
    const mismatched = keys(en).filter((k) => placeholders(get(en, k)).join() !== placeholders(get(ko, k)).join());
    expect(mismatched).toEqual([]);
  });

  it('has no empty strings', () => {
    const get = (obj: object, key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as string;
    expect(keys(en).filter((k) => !get(en, k).trim() || !get(ko, k).trim())).toEqual([]);
  });

  it('uses only vue-i18n syntax it means: {name} placeholders, {\'…\'} literals, plural bars where counted', () => {
    const get = (obj: object, key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as string;
    const plural = new Set(['editor.problemsCount', 'status.devices', 'status.links']);
    const bad = [en, ko].flatMap((messages) =>
      keys(messages).filter((k) => {
        const text = get(messages, k).replace(/\{\w+\}/g, '').replace(/\{'[^']*'\}/g, '');
        return /[{}@]/.test(text) || (text.includes('|') && !plural.has(k));
      }),
    );
    expect(bad).toEqual([]);
  });

  it('renders escaped braces literally', () => {
    i18n.global.locale.value = 'en';
    expect(i18n.global.t('tables.dhcpdHelp')).toContain('netmask … { range');
  });

  it('follows the OS language and falls back to English', () => {
    expect(detectLocale(['ko-KR', 'en-US'])).toBe('ko');
    expect(detectLocale(['de-DE', 'en-GB'])).toBe('en');
    expect(detectLocale(['fr'])).toBe('en');
    expect(detectLocale([])).toBe('en');
  });

  it('translates with Korean plural rules and named values', () => {
    i18n.global.locale.value = 'ko';
    expect(i18n.global.t('status.devices', { n: 3 }, 3)).toBe('장치 3개');
    i18n.global.locale.value = 'en';
    expect(i18n.global.t('status.devices', { n: 1 }, 1)).toBe('1 device');
    expect(i18n.global.t('status.devices', { n: 3 }, 3)).toBe('3 devices');
  });
});
