import { describe, it, expect } from 'vitest';
import { parse } from './parser';
import { lex } from './lexer';
import type { FilterNode } from './ast';

/** Compact rendering of a tree: (and a b), (not a), field==value … */
function show(n: FilterNode | null): string {
  if (n === null) return '∅';
  switch (n.kind) {
    case 'and':
    case 'or':
      return `(${n.kind} ${show(n.left)} ${show(n.right)})`;
    case 'not':
      return `(not ${show(n.operand)})`;
    case 'exists':
      return n.operand.text;
    case 'relation':
      return `${n.left.text}${n.left.slice ? `[${n.left.slice.text}]` : ''} ${n.op} ${n.right.kind === 'string' ? JSON.stringify(n.right.text) : n.right.text}`;
    case 'in':
      return `${n.left.text} in {${n.elements.map((e) => e.low.text + (e.high ? '..' + e.high.text : '')).join(',')}}`;
  }
}

function tree(text: string): string {
  const r = parse(text);
  if (!r.ok) throw new Error(r.error.message);
  return show(r.tree);
}

describe('precedence: not > and > or, left-associative', () => {
  it.each([
    ['a or b and c', '(or a (and b c))'],
    ['a and b or c', '(or (and a b) c)'],
    ['a || b && c', '(or a (and b c))'],
    ['not a and b', '(and (not a) b)'],
    ['!a || !b', '(or (not a) (not b))'],
    ['not not a', '(not (not a))'],
    ['(a or b) and c', '(and (or a b) c)'],
    ['a and b and c', '(and (and a b) c)'],
    ['a or b or c', '(or (or a b) c)'],
    ['!(a == 1)', '(not a == 1)'],
  ])('%s', (text, expected) => {
    expect(tree(text)).toBe(expected);
  });
});

describe('relations and sets', () => {
  it.each([
    ['tcp.port eq 80', 'tcp.port == 80'],
    ['tcp.port ne 80', 'tcp.port != 80'],
    ['tcp.port any_ne 80', 'tcp.port ~= 80'],
    ['tcp.port all_eq 80', 'tcp.port === 80'],
    ['a gt 1 and a ge 1 and a lt 1 and a le 1', '(and (and (and a > 1 a >= 1) a < 1) a <= 1)'],
    ['http.host ~ "x"', 'http.host matches "x"'],
    ['tcp.flags & 0x02', 'tcp.flags & 0x02'],
    ['tcp.port in {80 443 8000..8080}', 'tcp.port in {80,443,8000..8080}'],
    ['tcp.port in {80, 443, 8000 .. 8080}', 'tcp.port in {80,443,8000..8080}'],
    ['tcp.port not in {80}', '(not tcp.port in {80})'],
    ['eth.src[0:3] == 02:00:5e', 'eth.src[0:3] == 02:00:5e'],
    ['ipv6.addr == fe80::1/64', 'ipv6.addr == fe80::1/64'],
    ['http.host == "a\\"b\\x41\\101\\n"', 'http.host == "a\\"bAA\\n"'],
    ['', '∅'],
  ])('%s', (text, expected) => {
    expect(tree(text)).toBe(expected);
  });
});

describe('syntax errors carry their position', () => {
  it.each([
    ['tcp.port ==', 'Unexpected end of filter expression.', 11, 11],
    ['(a', 'Unexpected end of filter expression.', 2, 2],
    ['a)', '")" was unexpected in this context.', 1, 2],
    ['a = 1', '"=" was unexpected in this context.', 2, 3],
    ['a == 1 == 2', 'Left side of "==" expression must be a field or function, not 1.', 5, 6],
    ['a == "x', 'The final quote was missing from a quoted string.', 5, 7],
    ['a == "\\q"', '\\q is not a valid character escape sequence', 6, 8],
    ['eth.src[0:3 == 1', 'Missing "]" after a slice.', 7, 16],
    ['a in {1..}', '"}" was unexpected in this context.', 9, 10],
    ['a AND b', '"AND" was unexpected in this context.', 2, 5],
  ])('%s', (text, message, start, end) => {
    expect(parse(text)).toEqual({ ok: false, error: { message, start, end } });
  });
});

describe('lexer', () => {
  it('gives every token its span', () => {
    const r = lex('ip.src==10.0.0.0/8&&!udp');
    expect(r.ok && r.tokens.map((t) => [t.kind, t.text, t.start, t.end])).toEqual([
      ['word', 'ip.src', 0, 6],
      ['op', '==', 6, 8],
      ['word', '10.0.0.0/8', 8, 18],
      ['and', '&&', 18, 20],
      ['not', '!', 20, 21],
      ['word', 'udp', 21, 24],
      ['eof', '', 24, 24],
    ]);
  });
});
