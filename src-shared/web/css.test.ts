import { describe, it, expect } from 'vitest';
import { Window } from 'happy-dom';
import { computeStyles, inlineStyleSheets, paintRecord, parseCss, parseSelector, selectorMatches } from './css';
import { elements, parseHtml, type HtmlElement } from './html';

const PAGE = `<!doctype html><html><head><title>Styled</title>
<style>
/* site styles */
body { color: #333; font-size: 18px }
h1 { color: navy; font-size: 2em }
p { color: black }
.note { color: green; background-color: #ffe }
p.note { font-weight: bold }
#main p { color: purple }
div > p { font-size: 0.5em }
.hidden, script { display: none }
a:hover { color: red }
@media print { body { color: black } }
em { color: teal !important }
</style></head>
<body><div id="main"><h1>Title <em>here</em></h1>
<p class="note">A note with <a href="/x">a link</a>.</p>
<p style="color: orange">Inline <em style="color: blue">em</em></p>
<section><p>Deep</p></section>
<p class="hidden">Never shown</p></div>
<p>Outside</p></body></html>`;

describe('CSS for the rendering record', () => {
  it('computes specificity as the Selectors spec examples do', () => {
    // Selectors Level 3 §9 examples (the ones within the supported syntax).
    const cases: [string, [number, number, number]][] = [
      ['*', [0, 0, 0]], ['LI', [0, 0, 1]], ['UL LI', [0, 0, 2]], ['UL OL LI.red', [0, 1, 3]], ['LI.red.level', [0, 2, 1]], ['#x34y', [1, 0, 0]],
    ];
    for (const [sel, spec] of cases) expect(parseSelector(sel)?.specificity, sel).toEqual(spec);
    for (const bad of ['a:hover', 'a[href]', 'h1 + p', 'p ~ p', '']) expect(parseSelector(bad), bad).toBeUndefined();
  });

  it('matches selectors on the same elements as happy-dom’s querySelectorAll', () => {
    const window = new Window();
    const ref = new window.DOMParser().parseFromString(PAGE, 'text/html');
    const doc = parseHtml(PAGE);
    const withAncestors: { el: HtmlElement; ancestors: HtmlElement[] }[] = [];
    const walk = (el: HtmlElement, ancestors: HtmlElement[]) => {
      for (const c of el.children) if (c.kind === 'element') {
        withAncestors.push({ el: c, ancestors });
        walk(c, [...ancestors, c]);
      }
    };
    walk(doc, []);
    const describeEl = (tag: string, text: string) => `${tag}:${text.replace(/\s+/g, ' ').trim().slice(0, 12)}`;
    for (const s of ['p', '#main p', 'div > p', '.note', 'p.note', 'body p', 'html > body > p', 'div em', 'h1 > em', '*', 'section p', 'div.note']) {
      const sel = parseSelector(s)!;
      const ours = withAncestors.filter((x) => selectorMatches(sel, x.el, x.ancestors)).map((x) => describeEl(x.el.tag, textOf(x.el)));
      const theirs = Array.from(ref.querySelectorAll(s), (e) => describeEl(e.tagName.toLowerCase(), e.textContent ?? ''));
      expect(ours, s).toEqual(theirs);
    }
    window.close();
  });

  it('cascades by importance, inline style, specificity and order, and inherits', () => {
    const doc = parseHtml(PAGE);
    const problems: { offset: number; message: string }[] = [];
    const sheets = inlineStyleSheets(doc).map((t) => parseCss(t, problems));
    expect(problems.map((p) => p.message)).toEqual(["unsupported selector 'a:hover': rule dropped", '@media rules are not applied by the lab browser']);
    const styles = computeStyles(doc, sheets);
    const find = (tag: string, text: string) => [...elements(doc)].find((e) => e.tag === tag && textOf(e).includes(text))!;
    const note = styles.get(find('p', 'A note'))!;
    // #main p (1,0,1) beats p.note (0,1,1), .note (0,1,0) and p (0,0,1).
    expect(note.style.color).toBe('purple');
    expect(note.sources.color).toBe('#main p (1,0,1)');
    expect(note.style['font-weight']).toBe('bold');
    expect(note.style['background-color']).toBe('#ffe');
    // div > p: 0.5em of the div's inherited 18px.
    expect(note.style['font-size']).toBe('9px');
    expect(styles.get(find('a', 'a link'))!.style.color).toBe('#0000ee');
    expect(styles.get(find('p', 'Inline'))!.style.color).toBe('orange');
    // !important in the sheet beats the inline style attribute.
    expect(styles.get(find('em', 'em'))!.style.color).toBe('teal');
    expect(styles.get(find('h1', 'Title'))!.style['font-size']).toBe('36px');
    expect(styles.get(find('p', 'Deep'))!.style).toMatchObject({ color: 'purple', 'font-size': '18px' });
    expect(styles.get(find('p', 'Outside'))!.style).toMatchObject({ color: 'black', display: 'block' });
    expect(styles.get(find('p', 'Never'))!.style.display).toBe('none');

    const painted = paintRecord(doc, styles);
    expect(painted.map((r) => `${r.path} | ${r.text} | ${r.color} ${r.fontSize} ${r.fontWeight}`)).toEqual([
      'html > body > div > h1 | Title | navy 36px bold',
      'html > body > div > h1 > em | here | teal 36px bold',
      'html > body > div > p | A note with | purple 9px bold',
      'html > body > div > p > a | a link | #0000ee 9px bold',
      'html > body > div > p | . | purple 9px bold',
      'html > body > div > p | Inline | orange 9px normal',
      'html > body > div > p > em | em | teal 9px normal',
      'html > body > div > section > p | Deep | purple 18px normal',
      'html > body > p | Outside | black 18px normal',
    ]);
  });
});

function textOf(el: HtmlElement): string {
  return el.children.map((c) => (c.kind === 'text' ? c.text : textOf(c))).join('');
}
