// The journey views' strings: the same keys and placeholders in English and Korean, every key the
// views use exists, and every story sentence needs only facts its variant requires.
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { journeyMessages as en } from './journey.en';
import { journeyMessages as ko } from './journey.ko';
import { i18n } from './index';
import { JOURNEY_STEP_NAMES } from '../../../src-shared/ipc/contract';
import { SENTENCE_VARIANTS, NOTE_VARIANTS, DNS_TIERS } from '../components/journey/story';
import { PHASES } from '../components/journey/waterfall';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}
const get = (obj: object, key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj) as string | undefined;
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

afterEach(() => {
  i18n.global.locale.value = 'en';
});

describe('journey messages', () => {
  it('have every English key in Korean and back, with the same placeholders, none empty', () => {
    expect(keys(ko).sort()).toEqual(keys(en).sort());
    for (const k of keys(en)) {
      expect(placeholders(get(ko, k)!), k).toEqual(placeholders(get(en, k)!));
      expect(get(en, k)!.trim(), k).not.toBe('');
      expect(get(ko, k)!.trim(), k).not.toBe('');
    }
  });

  it('use no vue-i18n syntax by accident (@, stray braces, plural bars where nothing is counted)', () => {
    const plural = new Set(['story.frameCount', 'timing.totals']);
    const bad = [en, ko].flatMap((m) => keys(m).filter((k) => /[{}@]/.test(get(m, k)!.replace(/\{\w+\}/g, '')) || (get(m, k)!.includes('|') && !plural.has(k))));
    expect(bad).toEqual([]);
  });

  it('count in both languages', () => {
    const t = i18n.global.t;
    i18n.global.locale.value = 'en';
    expect(t('journey.story.frameCount', { count: 1 }, 1)).toBe('1 frame');
    expect(t('journey.story.frameCount', { count: 4 }, 4)).toBe('4 frames');
    expect(t('journey.timing.totals', { count: 1, transferred: '40 B', resources: '40 B', finish: '181 ms' }, 1)).toBe('1 request · 40 B transferred · 40 B resources · finished in 181 ms');
    i18n.global.locale.value = 'ko';
    expect(t('journey.story.frameCount', { count: 1 }, 1)).toBe('프레임 1개');
    expect(t('journey.story.frameCount', { count: 4 }, 4)).toBe('프레임 4개');
  });

  it('name every step, role, phase and source the views ask for', () => {
    const wanted = [
      ...JOURNEY_STEP_NAMES.map((s) => `steps.${s}`),
      ...DNS_TIERS.map((r) => `tiers.${r}`),
      ...PHASES.map((p) => `timing.${p}`),
      ...['network', 'cache', 'revalidated'].flatMap((s) => [`timing.sources.${s}`, `timing.sourceHelp.${s}`]),
    ];
    expect(wanted.filter((k) => get(en, k) === undefined)).toEqual([]);
  });

  it('have each story sentence variant, using only the facts the variant requires (and the device)', () => {
    const used: string[] = [];
    const check = (key: string, needs: readonly string[]) => {
      used.push(key);
      for (const messages of [en, ko]) {
        const text = get(messages, key);
        expect(text, key).toBeTypeOf('string');
        const allowed = new Set([...needs, 'device']);
        expect(placeholders(text!).filter((p) => !allowed.has(p)), key).toEqual([]);
      }
    };
    for (const step of JOURNEY_STEP_NAMES) {
      for (const v of SENTENCE_VARIANTS[step]) check(`sentences.${step}.${v.key}`, v.needs);
      for (const v of NOTE_VARIANTS[step] ?? []) check(`notes.${step}.${v.key}`, v.needs);
    }
    // No sentence is left that no variant uses.
    expect(keys(en).filter((k) => k.startsWith('sentences.') || k.startsWith('notes.')).sort()).toEqual(used.sort());
  });

  it('has every journey.* key the components name literally', () => {
    const dir = path.join(__dirname, '../components/journey');
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.vue') || (f.endsWith('.ts') && !f.endsWith('.test.ts')))) {
      for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(/\bt\(\s*['"`]journey\.([\w.]+)['"`]/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(25);
    expect([...used].filter((k) => get(en, k) === undefined)).toEqual([]);
  });

  it('translate through the app i18n in both languages', () => {
    i18n.global.locale.value = 'en';
    expect(i18n.global.t('journey.title')).toBe('URL journey');
    expect(i18n.global.t('journey.timing.totals', { count: 4, transferred: '1.9 kB', resources: '1.9 kB', finish: '41.8 ms' }, 4)).toBe('4 requests · 1.9 kB transferred · 1.9 kB resources · finished in 41.8 ms');
    i18n.global.locale.value = 'ko';
    expect(i18n.global.t('journey.title')).toBe('URL 여정');
    expect(i18n.global.t('journey.steps.render')).toBe('렌더링');
    expect(i18n.global.t('journey.story.frames', { first: 13, last: 14 })).toBe('프레임 13–14');
  });
});
