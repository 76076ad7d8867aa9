import { describe, it, expect } from 'vitest';
import { captureMessagesEn as en, captureMessagesKo as ko } from './packets.messages';
import { i18n } from './index';

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort().join();

describe('capture inspector messages', () => {
  it('have the same keys and placeholders in English and Korean, none empty', () => {
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ko[k]), k).toBe(placeholders(en[k]));
      expect(ko[k].trim(), k).not.toBe('');
    }
  });

  it('are merged into the app i18n under capture.*', () => {
    expect(i18n.global.t('capture.shown', { shown: 3, total: 10 })).toBe('Displayed: 3 of 10');
    i18n.global.locale.value = 'ko';
    expect(i18n.global.t('capture.cancel')).toBe('취소');
    i18n.global.locale.value = 'en';
  });
});
