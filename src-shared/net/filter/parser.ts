// Recursive-descent parser for the display-filter subset. Precedence (tightest first):
// `not`/`!`, then `and`/`&&`, then `or`/`||`, as in Wireshark 4.0. An empty filter parses to null
// (it matches every frame).

import type { FilterNode, Operand, RelOp, SetElement } from './ast';
import { lex, type FilterError, type Token } from './lexer';

const WORD_OPS: Readonly<Record<string, RelOp>> = {
  eq: '==',
  any_eq: '==',
  ne: '!=',
  all_ne: '!=',
  all_eq: '===',
  any_ne: '~=',
  gt: '>',
  lt: '<',
  ge: '>=',
  le: '<=',
  contains: 'contains',
  matches: 'matches',
  bitwise_and: '&',
};

export type ParseResult = { ok: true; tree: FilterNode | null } | { ok: false; error: FilterError };

class SyntaxError_ {
  constructor(readonly error: FilterError) {}
}

export function parse(text: string): ParseResult {
  const lexed = lex(text);
  if (!lexed.ok) return lexed;
  const p = new Parser(lexed.tokens);
  try {
    if (p.peek().kind === 'eof') return { ok: true, tree: null };
    const tree = p.orExpr();
    const rest = p.peek();
    if (rest.kind !== 'eof') p.unexpected(rest);
    return { ok: true, tree };
  } catch (e) {
    if (e instanceof SyntaxError_) return { ok: false, error: e.error };
    throw e;
  }
}

/** Deeper nesting than this is refused rather than risking the call stack. */
const MAX_DEPTH = 200;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  unexpected(t: Token): never {
    if (t.kind === 'eof') throw new SyntaxError_({ message: 'Unexpected end of filter expression.', start: t.start, end: t.end });
    throw new SyntaxError_({ message: `"${t.text === '' ? '[' + t.kind + ']' : sourceText(t)}" was unexpected in this context.`, start: t.start, end: t.end });
  }

  orExpr(): FilterNode {
    let left = this.andExpr();
    while (this.peek().kind === 'or') {
      this.next();
      const right = this.andExpr();
      left = { kind: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private andExpr(): FilterNode {
    let left = this.notExpr();
    while (this.peek().kind === 'and') {
      this.next();
      const right = this.notExpr();
      left = { kind: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private notExpr(): FilterNode {
    const t = this.peek();
    if (++this.depth > MAX_DEPTH) throw new SyntaxError_({ message: 'The filter is nested too deeply.', start: t.start, end: t.end });
    try {
      return this.notExprInner(t);
    } finally {
      this.depth--;
    }
  }

  private notExprInner(t: Token): FilterNode {
    if (t.kind === 'not') {
      this.next();
      const operand = this.notExpr();
      return { kind: 'not', operand, start: t.start, end: operand.end };
    }
    if (t.kind === 'lparen') {
      this.next();
      const inner = this.orExpr();
      const close = this.next();
      if (close.kind !== 'rparen') this.unexpected(close);
      return inner;
    }
    return this.test();
  }

  private operand(): Operand {
    const t = this.next();
    if (t.kind !== 'word' && t.kind !== 'string') this.unexpected(t);
    const op: Operand = { kind: t.kind, text: t.text, start: t.start, end: t.end };
    const s = this.peek();
    if (s.kind === 'slice' && s.start === t.end) {
      this.next();
      op.slice = { text: s.text, start: s.start, end: s.end };
    }
    return op;
  }

  private test(): FilterNode {
    const left = this.operand();
    const t = this.peek();
    let op: RelOp | undefined;
    if (t.kind === 'op') op = t.text === '~' ? 'matches' : (t.text as RelOp);
    else if (t.kind === 'word' && WORD_OPS[t.text]) op = WORD_OPS[t.text];
    if (op) {
      this.next();
      const right = this.operand();
      const node: FilterNode = { kind: 'relation', op, opText: t.text, opStart: t.start, opEnd: t.end, left, right, start: left.start, end: right.end };
      this.rejectChain();
      return node;
    }
    if (t.kind === 'word' && t.text === 'in') {
      this.next();
      return this.set(left, left.start);
    }
    if (t.kind === 'not' && t.text === 'not' && this.tokens[this.i + 1]?.kind === 'word' && this.tokens[this.i + 1].text === 'in') {
      // `a not in {…}` is `not (a in {…})`, as in Wireshark 4.0.
      this.next();
      this.next();
      const inner = this.set(left, left.start);
      return { kind: 'not', operand: inner, start: left.start, end: inner.end };
    }
    return { kind: 'exists', operand: left, start: left.start, end: left.end };
  }

  /** `a == b == c` is an error in Wireshark ("Left side … must be a field"): keep that. */
  private rejectChain(): void {
    const t = this.peek();
    if (t.kind === 'op' || (t.kind === 'word' && (WORD_OPS[t.text] || t.text === 'in'))) {
      const prev = this.tokens[this.i - 1];
      throw new SyntaxError_({
        message: `Left side of "${t.text}" expression must be a field or function, not ${prev.kind === 'string' ? JSON.stringify(prev.text) : prev.text}.`,
        start: prev.start,
        end: prev.end,
      });
    }
  }

  private set(left: Operand, start: number): FilterNode {
    const open = this.next();
    if (open.kind !== 'lbrace') this.unexpected(open);
    const elements: SetElement[] = [];
    for (;;) {
      const low = this.operand();
      const element: SetElement = { low };
      if (this.peek().kind === 'range') {
        this.next();
        element.high = this.operand();
      }
      elements.push(element);
      const t = this.peek();
      if (t.kind === 'rbrace') {
        this.next();
        return { kind: 'in', left, elements, start, end: t.end };
      }
      // Wireshark 4.0 wants commas; 3.x separated elements by spaces. Both are accepted.
      if (t.kind === 'comma') this.next();
    }
  }
}

function sourceText(t: Token): string {
  return t.kind === 'string' ? JSON.stringify(t.text) : t.text;
}
