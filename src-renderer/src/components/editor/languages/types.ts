// A table language as plain data (Monarch tokenizer, keyword docs), so it can be tested without
// Monaco and registered with it in one place.
import type { TableKind } from '../../../lab/types';

export interface KeywordDoc {
  word: string;
  /** Markdown shown on hover and in completion details. */
  doc: string;
  /** Text inserted by completion when not just the word (snippet syntax). */
  snippet?: string;
}

export interface TableLanguage {
  id: string;
  table: TableKind;
  /** Monarch definition (monaco.languages.IMonarchLanguage). */
  monarch: Record<string, unknown>;
  keywords: KeywordDoc[];
  lineComment: string;
}
