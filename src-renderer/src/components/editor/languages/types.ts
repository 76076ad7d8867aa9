// A table language as plain data (Monarch tokenizer, keyword docs), so it can be tested without
// Monaco and registered with it in one place.
import type { TableKind } from '../../../lab/types';

export interface KeywordDoc {
  word: string;
  /** Text inserted by completion when not just the word (snippet syntax). */
  snippet?: string;
}

/** i18n key of a keyword's hover text: `keywordDocs.<table>.<key>` (`$ORIGIN` → ORIGIN, `fixed-address` → fixedAddress). */
export function docKey(word: string): string {
  return word.replace(/^\$/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

export interface TableLanguage {
  id: string;
  table: TableKind;
  /** Monarch definition (monaco.languages.IMonarchLanguage). */
  monarch: Record<string, unknown>;
  keywords: KeywordDoc[];
  lineComment: string;
}
