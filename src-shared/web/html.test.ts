import { describe, it, expect } from 'vitest';
import { Window } from 'happy-dom';
import { decodeEntities, documentTitle, elements, parseHtml, subresources, textContent } from './html';
import { formatUrl, parseUrl } from './url';

const PAGE = 'https://www.example.com/shop/index.html';

const DOCS = [
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Example &amp; Co &#8212; Shop</title>
<link rel="stylesheet" href="/css/site.css"><link rel="icon" href="data:,">
<link rel="preload stylesheet" href="print.css?v=2">
<script src="app.js" defer></script>
<script>if (a < b && c > d) document.write("<img src=no.png>")</script>
<style>p > a { color: red }</style>
</head>
<body>
<!-- a comment with <img src="hidden.png"> inside -->
<h1 class=title>Welcome</h1>
<p>First paragraph with <a href="/a">a link</a>
<p>Second <img src='../img/logo.png' alt="Logo"> paragraph
<div><ul><li>one<li>two<li>three</ul></div>
<img SRC="https://cdn.example.net/i/photo.jpg#frag"><br/>
<p>caf&eacute; &lt;b&gt; &#x263A; &unknown;</p>
</body></html>`,
  `<html><head><base href="https://static.example.com/v1/"><title>  Based
 page </title></head><body><img src="a.png"><link rel=stylesheet href=b.css><img src="a.png"><script src=""></script></body></html>`,
];

describe('HTML for the lab browser', () => {
  for (const [n, html] of DOCS.entries()) {
    it(`reads document ${n + 1} like happy-dom's HTML parser: elements, title, text, subresources`, () => {
      const window = new Window({ url: PAGE });
      const ref = new window.DOMParser().parseFromString(html, 'text/html');
      const doc = parseHtml(html);
      const implied = new Set(['html', 'head', 'body']);
      const refTags = Array.from(ref.querySelectorAll('*'), (e) => e.tagName.toLowerCase()).filter((t) => !implied.has(t));
      const ourTags = [...elements(doc)].map((e) => e.tag).filter((t) => !implied.has(t));
      expect(ourTags).toEqual(refTags);
      // HTML's document.title strips and collapses whitespace; happy-dom only strips, so normalise.
      expect(documentTitle(doc)).toBe(ref.title.replace(/\s+/g, ' ').trim());
      const body = [...elements(doc)].find((e) => e.tag === 'body')!;
      expect(textContent(body).replace(/\s+/g, ' ').trim()).toBe((ref.body.textContent ?? '').replace(/\s+/g, ' ').trim());
      // Expected subresources: attributes read by happy-dom, resolved by the WHATWG URL parser.
      const baseHref = ref.querySelector('base')?.getAttribute('href');
      const base = baseHref ? new URL(baseHref, PAGE).href : PAGE;
      const expected: string[] = [];
      for (const e of Array.from(ref.querySelectorAll('link, img, script'))) {
        const tag = e.tagName.toLowerCase();
        const rel = (e.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
        const attr = tag === 'link' ? e.getAttribute('href') : e.getAttribute('src');
        const kind = tag === 'img' ? 'image' : tag === 'script' ? 'script' : rel.includes('stylesheet') ? 'stylesheet' : rel.includes('icon') ? 'icon' : undefined;
        if (!kind || !attr || attr.startsWith('data:')) continue;
        const u = new URL(attr, base);
        u.hash = '';
        const item = `${kind} ${u.href}`;
        if (!expected.includes(item)) expected.push(item);
      }
      const page = parseUrl(PAGE);
      if (!page.ok) throw new Error('bad page URL');
      expect(subresources(doc, page.value).map((s) => `${s.kind} ${formatUrl(s.url, { fragment: false })}`)).toEqual(expected);
      window.close();
    });
  }

  it('lists what the first page needs, in order', () => {
    const page = parseUrl(PAGE);
    if (!page.ok) return;
    expect(subresources(parseHtml(DOCS[0]), page.value).map((s) => `${s.kind} ${formatUrl(s.url, { fragment: false })}`)).toEqual([
      'stylesheet https://www.example.com/css/site.css',
      'stylesheet https://www.example.com/shop/print.css?v=2',
      'script https://www.example.com/shop/app.js',
      'image https://www.example.com/img/logo.png',
      'image https://cdn.example.net/i/photo.jpg',
    ]);
  });

  it('decodes character references and survives hostile input', () => {
    expect(decodeEntities('a &amp;amp; &#65;&#x42; &#0; &#xD800; &bogus;')).toBe('a &amp; AB \ufffd \ufffd &bogus;');
    for (const s of ['<', '<<a', '<a href="', '<script>', '</p></p>', '<!--', '<a ' + '"'.repeat(10000), '<p>'.repeat(5000)]) {
      expect(() => parseHtml(s)).not.toThrow();
    }
  });
});
