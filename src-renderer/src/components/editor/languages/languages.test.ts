import { describe, it, expect } from 'vitest';
import { TABLE_LANGUAGES } from './index';
import { TABLE_KINDS } from '../../../lab/types';
import { docKey } from './types';
import { en } from '../../../i18n/en';
import { i18n } from '../../../i18n';

type Rule = [RegExp, unknown];

describe('table languages', () => {
  it('covers every table kind with a distinct language id', () => {
    expect(Object.keys(TABLE_LANGUAGES).sort()).toEqual([...TABLE_KINDS].sort());
    const ids = Object.values(TABLE_LANGUAGES).map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [kind, lang] of Object.entries(TABLE_LANGUAGES)) expect(lang.table).toBe(kind);
  });

  it('has tokenizer rules that never match the empty string (Monarch would loop)', () => {
    for (const lang of Object.values(TABLE_LANGUAGES)) {
      const rules = (lang.monarch.tokenizer as Record<string, Rule[]>).root;
      expect(rules.length).toBeGreaterThan(0);
      for (const [re] of rules) expect(re.test(''), `${lang.id} ${re}`).toBe(false);
    }
  });

  it('documents each keyword once, with hover text (in the i18n messages) that names it', () => {
    i18n.global.locale.value = 'en';
    const docs = en.keywordDocs as Record<string, Record<string, string>>;
    for (const lang of Object.values(TABLE_LANGUAGES)) {
      const words = lang.keywords.map((k) => k.word);
      expect(new Set(words).size, lang.id).toBe(words.length);
      expect(Object.keys(docs[lang.table]).sort()).toEqual(words.map(docKey).sort());
      for (const k of lang.keywords) {
        const text = i18n.global.t(`keywordDocs.${lang.table}.${docKey(k.word)}`);
        expect(text.toLowerCase(), `${lang.id} ${k.word}`).toContain(k.word.toLowerCase());
      }
    }
  });

  it('tokenizes comments with the comment character of the format', () => {
    const comment = (table: keyof typeof TABLE_LANGUAGES, text: string) =>
      (TABLE_LANGUAGES[table].monarch.tokenizer as Record<string, Rule[]>).root.find(([, token]) => token === 'comment')![0].test(text);
    expect(comment('routes', '# static routes')).toBe(true);
    expect(comment('zone', '; the apex')).toBe(true);
    expect(comment('dhcpd', '# pool')).toBe(true);
    expect(TABLE_LANGUAGES.zone.lineComment).toBe(';');
  });
});
