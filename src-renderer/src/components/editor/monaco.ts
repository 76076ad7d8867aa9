// Monaco, loaded on demand: the core editor API with the few features the table editors use
// (hover, completion, find, clipboard, context menu), our table languages, and their hover and
// completion providers. Importing bare `monaco-editor` would pull every language (~8 MB).
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/suggest/register';
// The suggest widget itself and snippet insertion are not in the `features` entry points.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/snippet/browser/snippetController2';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/wordHighlighter/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { TABLE_LANGUAGES, type TableLanguage } from './languages';
import { docKey } from './languages/types';
import { i18n } from '../../i18n';

const t = (key: string) => i18n.global.t(key);

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = { getWorker: () => new EditorWorker() };

/** What completion and hover know about the lab, per editor model. */
export interface EditorContext {
  interfaces: string[];
  deviceNames: string[];
  /** Every IPv4 address in the lab with who owns it. */
  addresses: { address: string; owner: string }[];
}

const contexts = new Map<string, () => EditorContext>();

export function setModelContext(model: monaco.editor.ITextModel, get: () => EditorContext): () => void {
  const key = model.uri.toString();
  contexts.set(key, get);
  return () => contexts.delete(key);
}

function register(lang: TableLanguage): void {
  monaco.languages.register({ id: lang.id });
  monaco.languages.setMonarchTokensProvider(lang.id, lang.monarch as monaco.languages.IMonarchLanguage);
  monaco.languages.setLanguageConfiguration(lang.id, {
    comments: { lineComment: lang.lineComment },
    brackets: lang.table === 'dhcpd' ? [['{', '}']] : lang.table === 'zone' ? [['(', ')']] : [],
    wordPattern: /(\$?[A-Za-z0-9_.:/-]+)/g,
  });
  const byWord = new Map(lang.keywords.map((k) => [k.word.toLowerCase(), k]));
  // Looked up at hover time, so switching the language applies at once.
  const doc = (word: string) => t(`keywordDocs.${lang.table}.${docKey(word)}`);

  monaco.languages.registerHoverProvider(lang.id, {
    provideHover(model, position) {
      const word = model.getWordAtPosition(position);
      if (!word) return null;
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const keyword = byWord.get(word.word.toLowerCase());
      if (keyword) return { range, contents: [{ value: doc(keyword.word) }] };
      const ctx = contexts.get(model.uri.toString())?.();
      const bare = word.word.split('/')[0];
      const owners = ctx?.addresses.filter((a) => a.address === bare).map((a) => a.owner) ?? [];
      if (owners.length) return { range, contents: [{ value: `**${bare}** — ${owners.join(', ')}` }] };
      if (ctx?.interfaces.includes(word.word)) return { range, contents: [{ value: `**${word.word}** — ${t('editorHover.interfaceOfDevice')}` }] };
      return null;
    },
  });

  monaco.languages.registerCompletionItemProvider(lang.id, {
    triggerCharacters: [' '],
    provideCompletionItems(model, position) {
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const before = model.getLineContent(position.lineNumber).slice(0, word.startColumn - 1).trim().split(/\s+/).pop() ?? '';
      const ctx = contexts.get(model.uri.toString())?.();
      const K = monaco.languages.CompletionItemKind;
      const suggestions: monaco.languages.CompletionItem[] = [];
      if (before === 'dev' && ctx) {
        for (const name of ctx.interfaces) suggestions.push({ label: name, kind: K.Interface, insertText: name, range, detail: t('editorHover.interface') });
        return { suggestions };
      }
      for (const k of lang.keywords) {
        suggestions.push({
          label: k.word,
          kind: k.snippet ? K.Snippet : K.Keyword,
          insertText: k.snippet ?? k.word,
          insertTextRules: k.snippet ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
          documentation: { value: doc(k.word) },
          range,
        });
      }
      for (const a of ctx?.addresses ?? []) suggestions.push({ label: a.address, kind: K.Value, insertText: a.address, detail: a.owner, range, sortText: `z${a.address}` });
      if (lang.table === 'hosts' || lang.table === 'zone') {
        for (const name of ctx?.deviceNames ?? []) suggestions.push({ label: name, kind: K.Reference, insertText: name.toLowerCase(), detail: t('editorHover.device'), range, sortText: `y${name}` });
      }
      return { suggestions };
    },
  });
}

for (const lang of Object.values(TABLE_LANGUAGES)) register(lang);

export { monaco };
