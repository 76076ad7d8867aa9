// Just enough CSS for the lab browser's rendering record: parse style sheets (rules, comments,
// @-rules skipped), match selectors (type, #id, .class, *, descendant and child combinators),
// cascade by importance, specificity and order (CSS Cascade 4 §6), inherit the inherited
// properties, and describe what gets painted. Not a layout engine: the record says which element
// shows which text in which colour, size and weight, and what is hidden.
import { elements, type HtmlElement, type HtmlNode } from './html';

export interface CompoundSelector {
  tag?: string;
  id?: string;
  classes: string[];
}

/** Compounds from left to right with the combinator before each (the first has none). */
export interface Selector {
  parts: { combinator: ' ' | '>' | ''; compound: CompoundSelector }[];
  text: string;
  /** [ids, classes, types] */
  specificity: [number, number, number];
}

export interface Declaration {
  property: string;
  value: string;
  important: boolean;
}

export interface CssRule {
  selectors: Selector[];
  declarations: Declaration[];
  /** Position in its sheet. */
  order: number;
}

export interface CssProblem {
  offset: number;
  message: string;
}

export function parseSelector(text: string): Selector | undefined {
  const s = text.trim();
  if (!s) return undefined;
  const parts: Selector['parts'] = [];
  const spec: [number, number, number] = [0, 0, 0];
  const re = /\s*(>)?\s*([A-Za-z*][A-Za-z0-9-]*)?((?:[#.][A-Za-z_-][A-Za-z0-9_-]*)*)/y;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m || m[0].trim() === '' || (!m[2] && !m[3])) return undefined;
    const compound: CompoundSelector = { classes: [] };
    if (m[2] && m[2] !== '*') {
      compound.tag = m[2].toLowerCase();
      spec[2]++;
    }
    for (const piece of m[3].match(/[#.][A-Za-z_-][A-Za-z0-9_-]*/g) ?? []) {
      if (piece[0] === '#') {
        compound.id = piece.slice(1);
        spec[0]++;
      } else {
        compound.classes.push(piece.slice(1));
        spec[1]++;
      }
    }
    parts.push({ combinator: parts.length === 0 ? '' : m[1] ? '>' : ' ', compound });
    pos = re.lastIndex;
    if (pos < s.length && !/[\s>]/.test(s[pos])) return undefined; // unsupported syntax (:hover, [attr], +, ~)
  }
  return { parts, text: s, specificity: spec };
}

/** Parses a style sheet; unsupported selectors drop their rule (as browsers drop invalid ones). */
export function parseCss(text: string, problems: CssProblem[] = []): CssRule[] {
  const src = text.replace(/\/\*[\s\S]*?(\*\/|$)/g, (c) => ' '.repeat(c.length));
  const rules: CssRule[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{', i);
    if (open < 0) break;
    const prelude = src.slice(i, open).trim();
    // Find the matching close brace (nested blocks in @media etc.).
    let depth = 1;
    let j = open + 1;
    for (; j < src.length && depth > 0; j++) {
      if (src[j] === '{') depth++;
      else if (src[j] === '}') depth--;
    }
    const body = src.slice(open + 1, j - 1);
    i = j;
    if (prelude.startsWith('@')) {
      problems.push({ offset: open, message: `${prelude.split(/\s/)[0]} rules are not applied by the lab browser` });
      continue;
    }
    const selectors: Selector[] = [];
    for (const part of prelude.split(',')) {
      const sel = parseSelector(part);
      if (!sel) {
        problems.push({ offset: open, message: `unsupported selector '${part.trim()}': rule dropped` });
        selectors.length = 0;
        break;
      }
      selectors.push(sel);
    }
    if (!selectors.length) continue;
    rules.push({ selectors, declarations: parseDeclarations(body), order: rules.length });
  }
  return rules;
}

export function parseDeclarations(body: string): Declaration[] {
  const out: Declaration[] = [];
  for (const d of body.split(';')) {
    const colon = d.indexOf(':');
    if (colon < 0) continue;
    const property = d.slice(0, colon).trim().toLowerCase();
    let value = d.slice(colon + 1).trim();
    const important = /!\s*important$/i.test(value);
    if (important) value = value.replace(/!\s*important$/i, '').trim();
    if (property && value) out.push({ property, value, important });
  }
  return out;
}

function compoundMatches(el: HtmlElement, c: CompoundSelector): boolean {
  if (c.tag && el.tag !== c.tag) return false;
  if (c.id && el.attributes.id !== c.id) return false;
  if (c.classes.length) {
    const have = (el.attributes.class ?? '').split(/\s+/);
    if (!c.classes.every((k) => have.includes(k))) return false;
  }
  return true;
}

/** Does `sel` match `el`, whose ancestors (nearest last) are given? */
export function selectorMatches(sel: Selector, el: HtmlElement, ancestors: readonly HtmlElement[]): boolean {
  const parts = sel.parts;
  const match = (k: number, node: HtmlElement, upto: number): boolean => {
    if (!compoundMatches(node, parts[k].compound)) return false;
    if (k === 0) return true;
    const comb = parts[k].combinator;
    if (comb === '>') return upto > 0 && match(k - 1, ancestors[upto - 1], upto - 1);
    for (let a = upto - 1; a >= 0; a--) if (match(k - 1, ancestors[a], a)) return true;
    return false;
  };
  return match(parts.length - 1, el, ancestors.length);
}

const INHERITED = new Set(['color', 'font-size', 'font-family', 'font-weight', 'font-style', 'text-align', 'line-height', 'visibility']);
const BLOCK = new Set(['html', 'body', 'div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'header', 'footer', 'main', 'nav', 'section', 'article', 'aside', 'form', 'pre', 'blockquote', 'table', 'hr', 'figure']);
const HIDDEN = new Set(['head', 'title', 'meta', 'link', 'script', 'style', 'base', 'template']);
// The user-agent style sheet's values that matter for the record (HTML §15.3).
const UA: Record<string, Record<string, string>> = {
  h1: { 'font-size': '2em', 'font-weight': 'bold' },
  h2: { 'font-size': '1.5em', 'font-weight': 'bold' },
  h3: { 'font-size': '1.17em', 'font-weight': 'bold' },
  b: { 'font-weight': 'bold' },
  strong: { 'font-weight': 'bold' },
  em: { 'font-style': 'italic' },
  i: { 'font-style': 'italic' },
  a: { color: '#0000ee' },
};
const INITIAL: Record<string, string> = { color: '#000000', 'font-size': '16px', 'font-weight': 'normal', 'font-style': 'normal', 'background-color': 'transparent', visibility: 'visible' };

export type ComputedStyle = Record<string, string>;

/** Resolves em/%/keywords of font-size against the parent's size (px). */
function fontSizePx(value: string, parentPx: number): number {
  const m = /^([0-9.]+)(px|em|rem|%)?$/.exec(value.trim());
  if (m) {
    const v = Number(m[1]);
    return m[2] === 'em' ? v * parentPx : m[2] === 'rem' ? v * 16 : m[2] === '%' ? (v / 100) * parentPx : v;
  }
  const kw: Record<string, number> = { small: 13, medium: 16, large: 18, 'x-large': 24, 'xx-large': 32, smaller: parentPx / 1.2, larger: parentPx * 1.2 };
  return kw[value.trim()] ?? parentPx;
}

export interface StyledElement {
  element: HtmlElement;
  style: ComputedStyle;
  /** Which rule set each property, for the UI ("color: red from `p > a` (0,0,2)"). */
  sources: Record<string, string>;
}

/** Computes styles for every element of the document with the given sheets (in order). */
export function computeStyles(doc: HtmlElement, sheets: readonly CssRule[][]): Map<HtmlElement, StyledElement> {
  const rules = sheets.flat();
  const out = new Map<HtmlElement, StyledElement>();
  const visit = (el: HtmlElement, ancestors: HtmlElement[], parent: StyledElement | undefined) => {
    const candidates: { d: Declaration; spec: [number, number, number]; order: number; from: string; inline: boolean }[] = [];
    for (const [position, rule] of rules.entries()) {
      let best: Selector | undefined;
      for (const sel of rule.selectors) if (selectorMatches(sel, el, ancestors) && (!best || compareSpec(sel.specificity, best.specificity) > 0)) best = sel;
      if (best) for (const d of rule.declarations) candidates.push({ d, spec: best.specificity, order: position, from: `${best.text} (${best.specificity.join(',')})`, inline: false });
    }
    if (el.attributes.style) for (const d of parseDeclarations(el.attributes.style)) candidates.push({ d, spec: [0, 0, 0], order: Infinity, from: 'style attribute', inline: true });
    // Cascade: importance, then inline style, then specificity, then order; the last wins.
    candidates.sort((a, b) => Number(a.d.important) - Number(b.d.important) || Number(a.inline) - Number(b.inline) || compareSpec(a.spec, b.spec) || a.order - b.order);
    const style: ComputedStyle = {};
    const sources: Record<string, string> = {};
    for (const [p, v] of Object.entries(UA[el.tag] ?? {})) {
      style[p] = v;
      sources[p] = 'user-agent style sheet';
    }
    for (const c of candidates) {
      style[c.d.property] = c.d.value;
      sources[c.d.property] = c.from;
    }
    for (const p of INHERITED) {
      if (style[p] === undefined || style[p] === 'inherit') {
        if (parent?.style[p] !== undefined) {
          style[p] = parent.style[p];
          sources[p] = 'inherited';
        } else if (INITIAL[p] !== undefined) style[p] = INITIAL[p];
      }
    }
    const parentPx = parent ? Number.parseFloat(parent.style['font-size']) : 16;
    style['font-size'] = `${Math.round(fontSizePx(style['font-size'] ?? '16px', parentPx) * 100) / 100}px`;
    if (style['font-weight'] === '700') style['font-weight'] = 'bold';
    if (style['font-weight'] === '400') style['font-weight'] = 'normal';
    style.display ??= HIDDEN.has(el.tag) ? 'none' : el.tag === 'li' ? 'list-item' : BLOCK.has(el.tag) ? 'block' : 'inline';
    style['background-color'] ??= INITIAL['background-color'];
    const styled = { element: el, style, sources };
    out.set(el, styled);
    for (const c of el.children) if (c.kind === 'element') visit(c, [...ancestors, el], styled);
  };
  for (const c of doc.children) if (c.kind === 'element') visit(c, [], undefined);
  return out;
}

function compareSpec(a: readonly number[], b: readonly number[]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export interface PaintedRun {
  /** Path of the element that owns the text, e.g. "body > p > a". */
  path: string;
  text: string;
  color: string;
  fontSize: string;
  fontWeight: string;
  background: string;
}

/** What the browser paints, in document order: visible text runs with their styles. */
export function paintRecord(doc: HtmlElement, styles: Map<HtmlElement, StyledElement>): PaintedRun[] {
  const runs: PaintedRun[] = [];
  const walk = (el: HtmlElement, path: string[]) => {
    const s = styles.get(el);
    if (!s || s.style.display === 'none') return;
    const here = [...path, el.tag];
    for (const c of el.children as HtmlNode[]) {
      if (c.kind === 'element') walk(c, here);
      else if (s.style.visibility !== 'hidden') {
        const text = c.text.replace(/\s+/g, ' ').trim();
        if (text) runs.push({ path: here.join(' > '), text, color: s.style.color, fontSize: s.style['font-size'], fontWeight: s.style['font-weight'], background: s.style['background-color'] });
      }
    }
  };
  for (const c of doc.children) if (c.kind === 'element') walk(c, []);
  return runs;
}

/** Style sheets embedded in the page (<style> elements), in document order. */
export function inlineStyleSheets(doc: HtmlElement): string[] {
  const out: string[] = [];
  for (const e of elements(doc)) if (e.tag === 'style') out.push(e.children.map((c) => (c.kind === 'text' ? c.text : '')).join(''));
  return out;
}
