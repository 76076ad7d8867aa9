// Display-filter lexer. Tokens carry [start, end) offsets into the filter text so every error
// can underline exactly the text it is about.

export type TokenKind =
  | 'lparen'
  | 'rparen'
  | 'lbrace'
  | 'rbrace'
  | 'comma'
  | 'range' // `..` inside a set
  | 'slice' // `[…]` after a field; text = the raw content between the brackets
  | 'op' // ==, !=, ===, ~=, <, >, <=, >=, ~, &
  | 'and'
  | 'or'
  | 'not'
  | 'string' // "…" with escapes decoded into `text`
  | 'word' // anything else: field names, numbers, addresses, keywords like `contains`
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

export interface FilterError {
  message: string;
  start: number;
  end: number;
}

export type LexResult = { ok: true; tokens: Token[] } | { ok: false; error: FilterError };

const WORD_STOP = new Set([...' \t\r\n\f\v"\'()[]{},!=<>~&|@#$;`\\']);

const TWO_CHAR_OPS = new Set(['==', '!=', '~=', '<=', '>=', '&&', '||']);

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, tokenText: string, start: number, end: number) => tokens.push({ kind, text: tokenText, start, end });
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    const start = i;
    if (c === '(') push('lparen', c, i, ++i);
    else if (c === ')') push('rparen', c, i, ++i);
    else if (c === '{') push('lbrace', c, i, ++i);
    else if (c === '}') push('rbrace', c, i, ++i);
    else if (c === ',') push('comma', c, i, ++i);
    else if (c === '[') {
      const close = text.indexOf(']', i + 1);
      if (close < 0) return fail('Missing "]" after a slice.', i, n);
      push('slice', text.slice(i + 1, close), i, close + 1);
      i = close + 1;
    } else if ((c === 'r' || c === 'R') && text[i + 1] === '"') {
      const r = readRawString(text, i + 1);
      if ('error' in r) return { ok: false, error: r.error };
      push('string', r.value, start, r.end);
      i = r.end;
    } else if (c === '"') {
      const r = readString(text, i);
      if ('error' in r) return { ok: false, error: r.error };
      push('string', r.value, start, r.end);
      i = r.end;
    } else {
      if (text.startsWith('===', i)) {
        push('op', '===', i, (i += 3));
        continue;
      }
      const two = text.slice(i, i + 2);
      if (TWO_CHAR_OPS.has(two)) {
        if (two === '&&') push('and', two, i, i + 2);
        else if (two === '||') push('or', two, i, i + 2);
        else push('op', two, i, i + 2);
        i += 2;
        continue;
      }
      if (c === '!') push('not', c, i, ++i);
      else if (c === '<' || c === '>' || c === '~' || c === '&') push('op', c, i, ++i);
      else if (WORD_STOP.has(c)) return fail(`"${c}" was unexpected in this context.`, i, i + 1);
      else {
        let j = i;
        while (j < n && !WORD_STOP.has(text[j])) j++;
        pushWord(tokens, text.slice(i, j), i);
        i = j;
      }
    }
  }
  push('eof', '', n, n);
  return { ok: true, tokens };
}

/** A word; `a..b` (a range in a set) is split into word, range, word. */
function pushWord(tokens: Token[], word: string, start: number): void {
  let rest = word;
  let at = start;
  for (;;) {
    const k = rest.indexOf('..');
    if (k < 0) break;
    if (k > 0) tokens.push({ kind: keyword(rest.slice(0, k)), text: rest.slice(0, k), start: at, end: at + k });
    tokens.push({ kind: 'range', text: '..', start: at + k, end: at + k + 2 });
    rest = rest.slice(k + 2);
    at += k + 2;
  }
  if (rest !== '') tokens.push({ kind: keyword(rest), text: rest, start: at, end: at + rest.length });
}

function keyword(word: string): TokenKind {
  if (word === 'and') return 'and';
  if (word === 'or') return 'or';
  if (word === 'not') return 'not';
  return 'word';
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

function readString(text: string, open: number): { value: string; end: number } | { error: FilterError } {
  let out = '';
  let i = open + 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') return { value: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) break;
    if (SIMPLE_ESCAPES[e] !== undefined) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4));
      if (!m) return { error: { message: `Invalid escape sequence "\\x" in a quoted string.`, start: i, end: i + 2 } };
      out += String.fromCharCode(parseInt(m[0], 16));
      i += 2 + m[0].length;
    } else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))!;
      out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
      i += 1 + m[0].length;
    } else if (e === 'u' || e === 'U') {
      const digits = e === 'u' ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex) || parseInt(hex, 16) > 0x10ffff) {
        return { error: { message: `Invalid escape sequence "\\${e}" in a quoted string.`, start: i, end: i + 2 } };
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 2 + digits;
    } else {
      return { error: { message: `\\${e} is not a valid character escape sequence`, start: i, end: i + 2 } };
    }
  }
  return { error: { message: 'The final quote was missing from a quoted string.', start: open, end: n } };
}

/**
 * A raw string, r"…" (Wireshark 4.0): no escape is decoded, so regular expressions keep their
 * backslashes (r"\.txt"); a backslash still keeps the next character (\") inside the string.
 */
function readRawString(text: string, open: number): { value: string; end: number } | { error: FilterError } {
  const n = text.length;
  for (let i = open + 1; i < n; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return { value: text.slice(open + 1, i), end: i + 1 };
  }
  return { error: { message: 'The final quote was missing from a quoted string.', start: open - 1, end: n } };
}

function fail(message: string, start: number, end: number): LexResult {
  return { ok: false, error: { message, start, end } };
}
