// A small, tolerant HTML reader for the lab browser: enough of the HTML tokenizer to build an
// element tree from the lab's pages (void elements, raw-text script/style, comments, doctype,
// character references, implied end tags for p/li/option), the document title, and the
// subresources a browser fetches next (stylesheets, images, scripts, icons) resolved against the
// page URL or <base href>. Not a full HTML5 tree builder; never throws, never loops.
import { formatUrl, resolveUrl, type WebUrl } from './url';

export interface HtmlElement {
  kind: 'element';
  tag: string;
  attributes: Record<string, string>;
  children: HtmlNode[];
  /** Character offset of the start tag in the source (for highlighting). */
  offset: number;
}

export interface HtmlText {
  kind: 'text';
  text: string;
}

export type HtmlNode = HtmlElement | HtmlText;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea']);
// Start tags that close an open <p> (HTML §13.2.6.4.7, the common ones).
const CLOSES_P = new Set(['address', 'article', 'aside', 'blockquote', 'div', 'dl', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'ul']);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '\u00a9', eacute: '\u00e9', hellip: '\u2026', mdash: '\u2014', ndash: '\u2013' };

/** Decodes character references (&amp; &#233; &#xE9; and a few named ones). */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?/g, (m, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
    }
    return NAMED[body] ?? m;
  });
}

function parseAttributes(s: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const name = m[1].toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/** Parses a document into a root element (tag "#document"). */
export function parseHtml(source: string): HtmlElement {
  const root: HtmlElement = { kind: 'element', tag: '#document', attributes: {}, children: [], offset: 0 };
  const stack: HtmlElement[] = [root];
  const top = () => stack[stack.length - 1];
  const text = (t: string) => {
    if (t === '') return;
    const kids = top().children;
    const last = kids[kids.length - 1];
    if (last?.kind === 'text') last.text += t;
    else kids.push({ kind: 'text', text: t });
  };
  const closeTo = (tag: string) => {
    for (let i = stack.length - 1; i > 0; i--) {
      if (stack[i].tag === tag) {
        stack.length = i;
        return;
      }
    }
  };
  let i = 0;
  const n = source.length;
  while (i < n) {
    const lt = source.indexOf('<', i);
    if (lt < 0) {
      text(decodeEntities(source.slice(i)));
      break;
    }
    text(decodeEntities(source.slice(i, lt)));
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (source[lt + 1] === '!' || source[lt + 1] === '?') {
      const end = source.indexOf('>', lt);
      i = end < 0 ? n : end + 1;
      continue;
    }
    const m = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/.exec(source.slice(lt, Math.min(n, lt + 4096)));
    if (!m) {
      text('<');
      i = lt + 1;
      continue;
    }
    i = lt + m[0].length;
    const tag = m[2].toLowerCase();
    if (m[1]) {
      if (tag === 'p' && !stack.some((e) => e.tag === 'p')) top().children.push({ kind: 'element', tag: 'p', attributes: {}, children: [], offset: lt });
      closeTo(tag);
      continue;
    }
    if (CLOSES_P.has(tag) && stack.some((e) => e.tag === 'p')) closeTo('p');
    if (tag === 'li' && top().tag === 'li') stack.pop();
    if (tag === 'option' && top().tag === 'option') stack.pop();
    const el: HtmlElement = { kind: 'element', tag, attributes: parseAttributes(m[3]), children: [], offset: lt };
    top().children.push(el);
    if (VOID.has(tag) || m[3].trimEnd().endsWith('/')) continue;
    if (RAW_TEXT.has(tag)) {
      const close = source.toLowerCase().indexOf(`</${tag}`, i);
      const end = close < 0 ? n : close;
      const raw = source.slice(i, end);
      if (raw) el.children.push({ kind: 'text', text: tag === 'title' || tag === 'textarea' ? decodeEntities(raw) : raw });
      const gt = close < 0 ? -1 : source.indexOf('>', close);
      i = gt < 0 ? n : gt + 1;
      continue;
    }
    stack.push(el);
  }
  return root;
}

/** Depth-first walk over elements. */
export function* elements(node: HtmlElement): Generator<HtmlElement> {
  for (const c of node.children) {
    if (c.kind !== 'element') continue;
    yield c;
    yield* elements(c);
  }
}

export function textContent(node: HtmlNode): string {
  return node.kind === 'text' ? node.text : node.children.map(textContent).join('');
}

export function documentTitle(doc: HtmlElement): string | undefined {
  for (const e of elements(doc)) if (e.tag === 'title') return textContent(e).replace(/\s+/g, ' ').trim();
  return undefined;
}

export interface Subresource {
  kind: 'stylesheet' | 'image' | 'script' | 'icon';
  url: WebUrl;
  /** The attribute value as written. */
  ref: string;
  offset: number;
}

/** What a browser fetches after the HTML, in document order, resolved against <base href> or the page URL. */
export function subresources(doc: HtmlElement, page: WebUrl): Subresource[] {
  let base = page;
  for (const e of elements(doc)) {
    if (e.tag === 'base' && e.attributes.href !== undefined) {
      const b = resolveUrl(page, e.attributes.href);
      if (b.ok) base = b.value;
      break;
    }
  }
  const out: Subresource[] = [];
  const seen = new Set<string>();
  const add = (kind: Subresource['kind'], ref: string | undefined, offset: number) => {
    if (ref === undefined || ref.trim() === '' || /^(data|javascript|about|blob):/i.test(ref.trim())) return;
    const u = resolveUrl(base, ref);
    if (!u.ok) return;
    const key = `${kind} ${formatUrl(u.value, { fragment: false })}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ kind, url: u.value, ref, offset });
  };
  for (const e of elements(doc)) {
    const rel = (e.attributes.rel ?? '').toLowerCase().split(/\s+/);
    if (e.tag === 'link' && rel.includes('stylesheet')) add('stylesheet', e.attributes.href, e.offset);
    else if (e.tag === 'link' && rel.includes('icon')) add('icon', e.attributes.href, e.offset);
    else if (e.tag === 'img') add('image', e.attributes.src, e.offset);
    else if (e.tag === 'script') add('script', e.attributes.src, e.offset);
  }
  return out;
}
