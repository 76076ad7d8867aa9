// The rendered page as an inert document for a sandboxed iframe (srcdoc): the received HTML parsed
// (DOMParser documents run nothing and load nothing), then written out again keeping only plain
// elements and attributes. Stylesheets are inlined from the journey record and images become data:
// URLs from its bytes, so the frame fetches nothing; its own CSP says the same a second time.
import type { JourneyRecord } from '../../../../src-shared/ipc/contract';

export type RenderRecord = NonNullable<JourneyRecord['loads'][number]['render']>;
export type DomNode = RenderRecord['dom'][number];

/** The policy of the page's document: nothing but inline styles and data: images. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Elements written out (with their allowed attributes); others are dropped, keeping their content. */
const ELEMENTS = new Set(
  (
    'html head body title style main header footer nav section article aside hgroup search address h1 h2 h3 h4 h5 h6 p div span ' +
    'a img br hr wbr ul ol li dl dt dd menu table caption colgroup col thead tbody tfoot tr th td strong em b i u s small sub sup ' +
    'mark code pre kbd samp var blockquote q cite abbr dfn time data del ins bdi bdo ruby rt rp figure figcaption details summary ' +
    'label center font big tt strike nobr'
  ).split(' '),
);
/** Elements dropped with everything inside them. */
const DROPPED = new Set(
  (
    'script template iframe frame frameset object embed applet svg math canvas audio video source track picture portal ' +
    'noembed noframes xmp plaintext textarea select option optgroup input button form link meta base param dialog slot'
  ).split(' '),
);
const VOID = new Set(['br', 'hr', 'wbr', 'img', 'col']);
/** Attributes kept on any element (plus aria-* and data-*). */
const ATTRIBUTES = new Set(
  (
    'id class title lang dir style hidden role alt width height colspan rowspan scope headers align valign bgcolor color border ' +
    'cellpadding cellspacing start reversed type value datetime open span nowrap face size cite'
  ).split(' '),
);
const IMAGE_TYPE = /^image\/[\w.+-]+$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');
/**
 * CSS inside <style> must not end it early (`</style`) nor hold markup at all: every `<` becomes the
 * CSS escape `\3c ` (the same character inside CSS strings; invalid anywhere else in CSS anyway).
 */
const safeCss = (css: string) => css.replace(/</g, '\\3c ');

function keepAttribute(name: string): boolean {
  if (name.startsWith('on')) return false;
  return ATTRIBUTES.has(name) || /^aria-[a-z-]+$/.test(name) || /^data-[a-z0-9-]+$/.test(name);
}

function resolve(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/** A record's resource for a reference in the page: same absolute URL, else the same path ending. */
function findResource<T extends { url: string }>(list: readonly T[], ref: string, base: string): T | undefined {
  const abs = resolve(ref, base);
  return list.find((r) => r.url === abs) ?? list.find((r) => r.url === ref) ?? (ref ? list.find((r) => r.url.endsWith(ref.replace(/^\.?\//, '/'))) : undefined);
}

export function imageDataUrl(image: RenderRecord['images'][number]): string | null {
  const type = image.contentType.split(';')[0].trim();
  if (!image.base64 || !IMAGE_TYPE.test(type) || !BASE64.test(image.base64)) return null;
  return `data:${type.toLowerCase()};base64,${image.base64}`;
}

class Writer {
  out: string[] = [];
  constructor(private readonly render: RenderRecord) {}

  element(el: Element): void {
    const tag = el.localName.toLowerCase();
    if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml' && el.namespaceURI !== null) return;
    if (tag === 'link') return this.stylesheet(el);
    if (DROPPED.has(tag)) return;
    if (!ELEMENTS.has(tag)) return this.children(el);
    const attrs: string[] = [];
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase();
      if (keepAttribute(name)) attrs.push(`${name}="${escapeAttr(a.value)}"`);
    }
    if (tag === 'a' && el.hasAttribute('href')) attrs.push('href="#"'); // looks like a link, goes nowhere
    if (tag === 'img') {
      const image = findResource(this.render.images, el.getAttribute('src') ?? '', this.render.url);
      const src = image ? imageDataUrl(image) : null;
      if (src) attrs.push(`src="${escapeAttr(src)}"`);
    }
    this.out.push(`<${tag}${attrs.length ? ' ' + attrs.join(' ') : ''}>`);
    if (tag === 'head') this.out.push(`<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${escapeAttr(PAGE_CSP)}">`);
    if (VOID.has(tag)) return;
    if (tag === 'style') this.out.push(safeCss(el.textContent ?? ''));
    else this.children(el);
    this.out.push(`</${tag}>`);
  }

  children(el: Element | Document): void {
    for (const node of Array.from(el.childNodes)) {
      if (node.nodeType === 1) this.element(node as Element);
      else if (node.nodeType === 3) this.out.push(escapeText(node.nodeValue ?? ''));
    }
  }

  /** `<link rel=stylesheet>` becomes a <style> with the stylesheet's CSS from the record. */
  stylesheet(el: Element): void {
    const rel = (el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    if (!rel.includes('stylesheet')) return;
    const sheet = findResource(this.render.stylesheets, el.getAttribute('href') ?? '', this.render.url);
    if (!sheet) return;
    this.out.push(`<style data-href="${escapeAttr(sheet.url)}">${safeCss(sheet.css)}</style>`);
  }
}

/** The srcdoc of the rendered page: no script, no event handler, nothing to fetch. */
export function pageSrcdoc(render: RenderRecord): string {
  const doc = new DOMParser().parseFromString(render.html, 'text/html');
  const writer = new Writer(render);
  writer.element(doc.documentElement);
  return (doc.doctype ? '<!DOCTYPE html>' : '') + writer.out.join('');
}

/** A DOM node with its children, for the tree view. */
export interface DomTreeNode {
  id: number;
  kind: DomNode['kind'];
  name: string;
  attributes: [string, string][];
  children: DomTreeNode[];
}

/** The record's DOM (nodes in document order with depths) as a tree. */
export function domTree(nodes: readonly DomNode[]): DomTreeNode[] {
  const roots: DomTreeNode[] = [];
  const stack: { depth: number; node: DomTreeNode }[] = [];
  nodes.forEach((n, id) => {
    const node: DomTreeNode = { id, kind: n.kind, name: n.name, attributes: Object.entries(n.attributes), children: [] };
    while (stack.length && stack[stack.length - 1].depth >= n.depth) stack.pop();
    const parent = stack[stack.length - 1];
    (parent ? parent.node.children : roots).push(node);
    if (n.kind === 'element') stack.push({ depth: n.depth, node });
  });
  return roots;
}
