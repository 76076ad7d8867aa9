// A small JSON parser that remembers where every value starts, so lab validation can report
// `file:line:col` for any JSON path. JSON.parse cannot tell us positions, hence this.

export interface LineCol {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  col: number;
}

export interface JsonSyntaxError extends LineCol {
  message: string;
  offset: number;
}

/** Path segments from the document root: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

export interface JsonSource {
  text: string;
  value: unknown;
  /** Offset of each value's first character, keyed by `pointer(path)`. */
  valueOffsets: Map<string, number>;
}

/** JSON Pointer (RFC 6901) of a path, used as a map key. */
export function pointer(path: JsonPath): string {
  let s = '';
  for (const seg of path) s += '/' + String(seg).replace(/~/g, '~0').replace(/\//g, '~1');
  return s;
}

/** `devices[0].interfaces[1].mac`, the way people read paths. */
export function displayPath(path: JsonPath): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) s += (s ? '.' : '') + seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s || '(root)';
}

export function lineColAt(text: string, offset: number): LineCol {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: end - lineStart + 1 };
}

/** Position of `path` in the source, or of its nearest ancestor that exists there. */
export function locate(source: JsonSource, path: JsonPath): LineCol {
  for (let n = path.length; n >= 0; n--) {
    const offset = source.valueOffsets.get(pointer(path.slice(0, n)));
    if (offset !== undefined) return lineColAt(source.text, offset);
  }
  return { line: 1, col: 1 };
}

/**
 * Offset in the file of character `index` of the decoded JSON string whose opening quote is at
 * `quoteOffset` (accounts for escapes such as \n and \u0041).
 */
export function rawOffsetInString(text: string, quoteOffset: number, index: number): number {
  let pos = quoteOffset + 1;
  for (let decoded = 0; decoded < index && pos < text.length; decoded++) {
    if (text.charCodeAt(pos) === 92 /* \ */) pos += text[pos + 1] === 'u' ? 6 : 2;
    else pos++;
  }
  return pos;
}

export function parseJsonSource(text: string): { ok: true; source: JsonSource } | { ok: false; error: JsonSyntaxError } {
  const parser = new Parser(text);
  try {
    parser.ws();
    const value = parser.value([]);
    parser.ws();
    if (parser.pos < text.length) parser.fail(`unexpected '${text[parser.pos]}' after the JSON document`);
    return { ok: true, source: { text, value, valueOffsets: parser.offsets } };
  } catch (e) {
    if (e instanceof SyntaxFailure) {
      return { ok: false, error: { message: e.message, offset: e.offset, ...lineColAt(text, e.offset) } };
    }
    throw e;
  }
}

class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 256;

class Parser {
  pos = 0;
  offsets = new Map<string, number>();
  constructor(private readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw new SyntaxFailure(message, at);
  }

  ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  value(path: (string | number)[]): unknown {
    if (path.length > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.offsets.set(pointer(path), this.pos);
    const c = this.text[this.pos];
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (this.text.startsWith('true', this.pos)) return (this.pos += 4), true;
    if (this.text.startsWith('false', this.pos)) return (this.pos += 5), false;
    if (this.text.startsWith('null', this.pos)) return (this.pos += 4), null;
    if (c === undefined) this.fail('unexpected end of file: expected a value');
    this.fail(`unexpected '${c}': expected a value`);
  }

  object(path: (string | number)[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.ws();
    if (this.text[this.pos] === '}') return this.pos++, out;
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail(this.pos >= this.text.length ? 'unexpected end of file in object' : `expected a quoted key, found '${this.text[this.pos]}'`);
      const keyAt = this.pos;
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(out, key)) this.fail(`duplicate key "${key}"`, keyAt);
      this.ws();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after key "${key}"`);
      this.pos++;
      this.ws();
      path.push(key);
      const v = this.value(path);
      path.pop();
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        this.ws();
        continue;
      }
      if (c === '}') return this.pos++, out;
      this.fail(c === undefined ? 'unexpected end of file: expected , or }' : `expected ',' or '}' in object, found '${c}'`);
    }
  }

  array(path: (string | number)[]): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.ws();
    if (this.text[this.pos] === ']') return this.pos++, out;
    for (;;) {
      path.push(out.length);
      out.push(this.value(path));
      path.pop();
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        this.ws();
        continue;
      }
      if (c === ']') return this.pos++, out;
      this.fail(c === undefined ? 'unexpected end of file: expected , or ]' : `expected ',' or ']' in array, found '${c}'`);
    }
  }

  string(): string {
    const t = this.text;
    const start = ++this.pos;
    let out = '';
    let chunk = start;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string', start - 1);
      const c = t.charCodeAt(this.pos);
      if (c === 34) {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string (write \\n for a new line)');
      if (c === 92) {
        out += t.slice(chunk, this.pos);
        const e = t[this.pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          this.pos += 2;
        } else if (e === 'u') {
          const hex = t.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else this.fail(`invalid escape '\\${e ?? ''}'`);
        chunk = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  number(): number {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.fail('invalid number');
    this.pos += m[0].length;
    return Number(m[0]);
  }
}
