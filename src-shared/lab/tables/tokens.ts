// Line-oriented tokenising shared by the device table parsers: words separated by blanks, `#`
// starts a comment, every token keeps its 1-based line and column for error messages.

export interface Token {
  text: string;
  line: number;
  col: number;
}

export interface TableError {
  line: number;
  col: number;
  message: string;
}

export type TableResult<T> = { ok: true; value: T[] } | { ok: false; errors: TableError[] };

/** Splits text into lines of tokens; blank and comment-only lines are dropped. */
export function tokenizeLines(text: string): Token[][] {
  const lines: Token[][] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    const tokens: Token[] = [];
    const re = /[^ \t]+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null) tokens.push({ text: m[0], line: i + 1, col: m.index + 1 });
    if (tokens.length > 0) lines.push(tokens);
  }
  return lines;
}

/** Thrown inside a line parser; turned into a TableError by `parseTable`. */
export class LineError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

export function errorAt(token: Token, message: string, offsetInToken = 0): LineError {
  return new LineError(message, token.line, token.col + offsetInToken);
}

/** Parses every line with `parseLine`, collecting all errors rather than stopping at the first. */
export function parseTable<T>(text: string, parseLine: (tokens: Token[]) => T): TableResult<T> {
  const value: T[] = [];
  const errors: TableError[] = [];
  for (const tokens of tokenizeLines(text)) {
    try {
      value.push(parseLine(tokens));
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      errors.push({ line: e.line, col: e.col, message: e.message });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

/** A token cursor over one line. */
export class Cursor {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  next(): Token | undefined {
    return this.tokens[this.i++];
  }

  /** The value after a keyword, or an error pointing just past the keyword. */
  valueFor(keyword: Token, what: string): Token {
    const t = this.next();
    if (!t) throw errorAt(keyword, `'${keyword.text}' needs ${what} after it`, keyword.text.length);
    return t;
  }

  lastEnd(): { line: number; col: number } {
    const t = this.tokens[this.tokens.length - 1];
    return { line: t.line, col: t.col + t.text.length };
  }
}
