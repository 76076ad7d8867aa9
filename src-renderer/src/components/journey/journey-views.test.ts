// The journey views mounted in happy-dom with the real stores and the engine's journey record of the
// URL-journey lab (checked against the IPC contract): the story and its frame buttons, the waterfall
// and its numbers, the sandboxed page with its DOM tree, the dialog's tabs, all by keyboard too.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createApp, defineComponent, h, nextTick, type App, type Component } from 'vue';
import { createPinia, getActivePinia, setActivePinia } from 'pinia';
import { i18n } from '../../i18n';
import { HostClient, type HostTransport } from '../../../../src-shared/ipc/client';
import { setHostClient } from '../../host';
import { useSimulationStore, type FrameMeta } from '../../stores/simulation';
import { useJourneyStore } from '../../stores/journey';
import { JOURNEY, PIXEL_PNG, entryWith } from './journey.fixture';
import JourneyStory from './JourneyStory.vue';
import JourneyTiming from './JourneyTiming.vue';
import JourneyPage from './JourneyPage.vue';
import JourneyButton from './JourneyButton.vue';
import DomTree from './DomTree.vue';
import type { PageLoad } from './waterfall';

// happy-dom (unlike a browser) tries to load <link> stylesheets of DOMParser documents and logs the
// refusal; treat its disabled file loading as success to keep the output quiet.
(globalThis as { happyDOM?: { settings: { handleDisabledFileLoadingAsSuccess: boolean } } }).happyDOM!.settings.handleDisabledFileLoadingAsSuccess = true;

const FRAMES = Math.max(...JOURNEY.story.map((e) => e.lastFrame ?? 0));
const indexOf = (e: (typeof JOURNEY.story)[number]) => JOURNEY.story.indexOf(e);
/** Odd frames cross link L1, even frames L2 (enough to test capture points). */
const meta = (no: number): FrameMeta => ({ no, timeUs: no * 1000, arrivalUs: no * 1000 + 50, linkId: no % 2 ? 'L1' : 'L2', device: 'pc', iface: 'eth0', cause: `frame ${no}`, lost: false });

let app: App | null = null;
let root: HTMLElement;
let journeyCalls = 0;

function mount(component: Component, props: Record<string, unknown> = {}): HTMLElement {
  root = document.createElement('div');
  document.body.appendChild(root);
  app = createApp(defineComponent({ render: () => h(component, props) }));
  app.use(i18n);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  app.mount(root);
  return root;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await nextTick();
  }
}

function key(el: Element, k: string): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
}

const active = () => document.activeElement as HTMLElement | null;

beforeEach(() => {
  journeyCalls = 0;
  const transport: HostTransport = {
    async request(name) {
      if (name === 'sim.journey') {
        journeyCalls++;
        return JOURNEY;
      }
      throw new Error(`unexpected ${name}`);
    },
    subscribe: () => () => undefined,
  };
  setHostClient(new HostClient(transport));
  i18n.global.locale.value = 'en';
});

afterEach(() => {
  app?.unmount();
  app = null;
  root?.remove();
  document.body.innerHTML = '';
  i18n.global.locale.value = 'en';
});

describe('journey story view', () => {
  function setup() {
    const el = mount(JourneyStory, { story: JOURNEY.story });
    const sim = useSimulationStore();
    sim.frames = Array.from({ length: FRAMES }, (_, i) => meta(i + 1));
    return { el, sim };
  }

  it('lists the steps in order, each with its sentence, summary, frames and causes', async () => {
    const { el } = setup();
    await nextTick();
    const list = el.querySelector('[role="list"]')!;
    expect(list.getAttribute('aria-label')).toBe('Journey story');
    const items = [...el.querySelectorAll<HTMLElement>('[role="listitem"]')];
    expect(items).toHaveLength(JOURNEY.story.length);
    expect(items.slice(0, 5).map((i) => i.querySelector('.badge')!.textContent)).toEqual(['DHCP', 'URL', 'Cache', 'Cache', 'ARP']);
    const rootEntry = entryWith('dns', { tier: 'root', name: 'example.com' });
    const root = items[indexOf(rootEntry)];
    expect(root.getAttribute('aria-label')).toBe('DNS, isp: isp asks the root server 198.41.0.4 about example.com. It does not hold the answer and refers to the servers of “com”, one level down.');
    expect(root.querySelector('.summary')!.textContent).toBe('isp asked the root server 198.41.0.4 for example.com A: referral to the com servers (a.gtld-servers.net.)');
    expect(root.querySelector('.summary')!.getAttribute('lang')).toBe('en');
    expect(root.querySelector('.frames')!.textContent).toBe('Frames 20–25 · 4 frames');
    expect([...root.querySelectorAll('.actions button')].map((b) => b.getAttribute('aria-label'))).toEqual(['Go to frame 20, the first of this step', 'Go to frame 25, the last of this step']);
    expect([...root.querySelectorAll('.causes li')].map((l) => l.textContent)).toEqual(rootEntry.causes);
    expect(rootEntry.causes.length).toBeGreaterThan(0);
    expect(items[1].querySelector('.frames')!.textContent).toBe('No frames: this step happens inside pc');
    expect(items[1].querySelector('.actions')).toBeNull();
  });

  it('speaks Korean when the language changes', async () => {
    const { el } = setup();
    i18n.global.locale.value = 'ko';
    await nextTick();
    const items = [...el.querySelectorAll<HTMLElement>('[role="listitem"]')];
    expect(el.querySelector('[role="list"]')!.getAttribute('aria-label')).toBe('여정 이야기');
    expect(items[indexOf(entryWith('http', { url: 'http://example.com/' }))].querySelector('.sentence')!.textContent).toBe('pc이(가) 203.0.113.80:80에 GET http://example.com/을(를) 보내고, 응답 301은(는) 브라우저를 다른 주소로 보냅니다. 평문으로 오가므로 경로 위의 누구든 읽을 수 있습니다.');
    expect(items[indexOf(entryWith('render'))].querySelector('.badge')!.textContent).toBe('렌더링');
  });

  it('steps the simulation to a frame of the entry and marks the current step', async () => {
    const { el, sim } = setup();
    await nextTick();
    const items = [...el.querySelectorAll<HTMLElement>('[role="listitem"]')];
    const authoritative = indexOf(entryWith('dns', { tier: 'authoritative', name: 'example.com' }));
    (items[authoritative].querySelector('.actions button:last-child') as HTMLButtonElement).click(); // frame 46, its answer
    await settle();
    expect(sim.current?.no).toBe(46);
    expect(items[authoritative].getAttribute('aria-current')).toBe('step');
    expect(el.querySelectorAll('[aria-current="step"]')).toHaveLength(1);
    // One frame on, the home router's query (17–47) is the step still going on.
    await sim.goTo(sim.cursor + 1);
    await nextTick();
    expect(items[indexOf(entryWith('dns', { clientDevice: 'home-router', name: 'example.com' }))].getAttribute('aria-current')).toBe('step');
  });

  it('starts on the step of the current frame', async () => {
    const el = mount(JourneyStory, { story: JOURNEY.story });
    app!.unmount(); // mount again once the simulation stands on frame 46
    const sim = useSimulationStore();
    sim.frames = Array.from({ length: FRAMES }, (_, i) => meta(i + 1));
    await sim.goTo(45);
    app = createApp(defineComponent({ render: () => h(JourneyStory, { story: JOURNEY.story }) }));
    app.use(i18n);
    app.use(getActivePinia()!);
    app.mount(el);
    await nextTick();
    const items = [...el.querySelectorAll<HTMLElement>('[role="listitem"]')];
    const authoritative = indexOf(entryWith('dns', { tier: 'authoritative', name: 'example.com' }));
    expect(items.filter((i) => i.tabIndex === 0)).toEqual([items[authoritative]]);
    expect(items[authoritative].getAttribute('aria-current')).toBe('step');
  });

  it('shows all links when the capture point hides the frame', async () => {
    const { el, sim } = setup();
    sim.capturePoint = { kind: 'link', linkId: 'L2' }; // even frames only
    await nextTick();
    const pcDns = indexOf(entryWith('dns', { clientDevice: 'pc', name: 'example.com' }));
    (el.querySelectorAll<HTMLElement>('[role="listitem"]')[pcDns].querySelector('.actions button') as HTMLButtonElement).click(); // frame 13
    await settle();
    expect(sim.capturePoint).toEqual({ kind: 'all' });
    expect(sim.current?.no).toBe(13);
  });

  it('moves between steps with the arrow keys and goes to a step’s first frame with Enter', async () => {
    const { el, sim } = setup();
    await nextTick();
    const items = [...el.querySelectorAll<HTMLElement>('[role="listitem"]')];
    const arp = indexOf(entryWith('arp', { asker: 'pc' }));
    expect(items.filter((i) => i.tabIndex === 0)).toEqual([items[0]]);
    // Only the active step's buttons are in the tab order.
    expect(items[arp].querySelector('button')!.tabIndex).toBe(-1);
    items[0].focus();
    key(items[0], 'ArrowDown');
    await settle();
    expect(active()).toBe(items[1]);
    expect(items[1].tabIndex).toBe(0);
    expect(items[0].tabIndex).toBe(-1);
    key(items[1], 'End');
    await settle();
    expect(active()).toBe(items[items.length - 1]);
    key(active()!, 'Home');
    await settle();
    expect(active()).toBe(items[0]);
    key(items[0], 'ArrowUp'); // stays on the first
    await settle();
    expect(active()).toBe(items[0]);
    for (let i = 0; i < arp; i++) {
      key(active()!, 'ArrowDown');
      await settle();
    }
    expect(active()).toBe(items[arp]);
    expect(items[arp].querySelector('button')!.tabIndex).toBe(0);
    key(items[arp], 'Enter');
    await settle();
    expect(sim.current?.no).toBe(9); // the PC's ARP request
  });
});

describe('timing waterfall view', () => {
  it('draws a row per request with status, source, type, size, time and phase bars on one axis', async () => {
    const el = mount(JourneyTiming, { load: JOURNEY.loads[0] });
    await nextTick();
    const table = el.querySelector('table')!;
    expect(table.getAttribute('aria-label')).toBe('Request timing');
    const rows = [...el.querySelectorAll<HTMLElement>('tbody tr.req')];
    expect(rows.map((r) => [...r.querySelectorAll('td')].slice(0, 6).map((td) => td.textContent!.trim()))).toEqual([
      ['example.com', '301', 'network', 'html', '40 B', '181 ms'],
      ['example.com', '301', 'network', 'html', '44 B', '111 ms'],
      ['www.example.com', '200', 'network', 'html', '249 B', '213 ms'],
      ['style.css', '200', 'network', 'css', '89 B', '41.7 ms'],
      ['logo.png', '200', 'network', 'png', '73 B', '41.6 ms'],
    ]);
    expect(rows[0].querySelector('td')!.getAttribute('title')).toBe('http://example.com/');
    expect(rows[0].querySelectorAll('td')[1].classList.contains('redirect')).toBe(true);
    // www: DNS, connect, TLS and waiting; its DNS starts at 292.498 of 600 ms and lasts 85.393 ms.
    const segs = [...rows[2].querySelectorAll<HTMLElement>('.seg')];
    expect(segs.map((s) => s.className.replace('seg ', ''))).toEqual(['ph-dns', 'ph-connect', 'ph-tls', 'ph-ttfb']);
    expect(parseFloat(segs[0].style.left)).toBeCloseTo((292.498 / 600) * 100, 5);
    expect(parseFloat(segs[0].style.width)).toBeCloseTo((85.393 / 600) * 100, 5);
    // The stylesheet reuses the connection: only the wait for the answer.
    expect([...rows[3].querySelectorAll('.seg')].map((s) => s.className)).toEqual(['seg ph-ttfb']);
    expect([...el.querySelectorAll('.axis .tick')].map((t) => t.textContent)).toEqual(['0.00 ms', '200 ms', '400 ms', '600 ms']);
    expect([...el.querySelectorAll('.legend li')].map((l) => l.textContent)).toEqual(['DNS lookup', 'Initial connection', 'TLS', 'Request sent', 'Waiting (TTFB)', 'Content download']);
    expect(el.querySelector('.totals')!.textContent).toBe('5 requests · 495 B transferred · 495 B resources · finished in 589 ms');
  });

  it('shows a request’s numbers on hover and on focus, and moves with the arrow keys', async () => {
    const el = mount(JourneyTiming, { load: JOURNEY.loads[0] });
    await nextTick();
    const rows = [...el.querySelectorAll<HTMLElement>('tbody tr.req')];
    expect(el.querySelector('[role="tooltip"]')).toBeNull();
    rows[0].dispatchEvent(new MouseEvent('mouseenter'));
    await nextTick();
    let tip = el.querySelector('[role="tooltip"]')!;
    expect(tip.querySelector('.tip-url')!.textContent).toBe('http://example.com/');
    expect(rows[0].getAttribute('aria-describedby')).toBe(tip.id);
    const numbers = () => [...el.querySelectorAll('[role="tooltip"] dd')].map((d) => d.textContent);
    expect(numbers()).toEqual(['106 ms', '38.9 ms', '0.00 ms', '0.00 ms', '36.9 ms', '0.00 ms', '181 ms']);
    rows[0].dispatchEvent(new MouseEvent('mouseleave'));
    await nextTick();
    expect(el.querySelector('[role="tooltip"]')).toBeNull();

    rows[0].focus();
    await nextTick();
    expect(el.querySelector('[role="tooltip"] .tip-url')!.textContent).toBe('http://example.com/');
    key(rows[0], 'ArrowDown');
    await settle();
    expect(active()).toBe(rows[1]);
    tip = el.querySelector('[role="tooltip"]')!;
    expect(tip.querySelector('.tip-url')!.textContent).toBe('https://example.com/');
    expect(tip.querySelector('.tip-line')!.textContent).toBe('Started at 181 ms · fetched over the network');
    expect(numbers()).toEqual(['0.00 ms', '36.7 ms', '37.4 ms', '0.00 ms', '37.0 ms', '0.00 ms', '111 ms']);
    key(rows[1], 'End');
    await settle();
    expect(active()).toBe(rows[4]);
    expect(el.querySelector('[role="tooltip"] .tip-line')!.textContent).toContain('Connection reused');
    key(rows[4], 'Home');
    await settle();
    expect(active()).toBe(rows[0]);
  });

  it('marks what the cache served', async () => {
    const el = mount(JourneyTiming, { load: JOURNEY.loads[1] });
    await nextTick();
    const rows = [...el.querySelectorAll<HTMLElement>('tbody tr.req')];
    expect(rows.map((r) => r.querySelectorAll('td')[2].textContent)).toEqual(['network', 'cache', 'cache', 'cache']);
    expect(rows[1].querySelectorAll('td')[2].getAttribute('title')).toBe('served from the browser cache, nothing sent');
    expect(rows[1].classList.contains('src-cache')).toBe(true);
    expect(el.querySelector('.totals')!.textContent).toBe('4 requests · 44 B transferred · 455 B resources · finished in 36.9 ms');
  });

  it('says what a revalidated request is', async () => {
    const load: PageLoad = { ...JOURNEY.loads[1], requests: [{ ...JOURNEY.loads[1].requests[1], source: 'revalidated', reused: true, ttfb: 36.9 }] };
    const el = mount(JourneyTiming, { load });
    await nextTick();
    const cell = el.querySelectorAll('tbody tr.req td')[2];
    expect(cell.textContent).toBe('revalidated');
    expect(cell.getAttribute('title')).toBe('the cached copy was revalidated (304 Not Modified)');
  });

  it('says why a load failed', async () => {
    const failed: PageLoad = { ...JOURNEY.loads[0], ok: false, error: 'cannot resolve nowhere.test: NXDOMAIN', requests: [], render: null };
    const el = mount(JourneyTiming, { load: failed });
    await nextTick();
    expect(el.querySelector('[role="alert"]')!.textContent).toBe('The load failed: cannot resolve nowhere.test: NXDOMAIN');
    expect(el.querySelector('tbody')!.textContent).toContain('This page load made no request.');
  });
});

describe('rendered page view', () => {
  it('shows the page in an iframe with an empty sandbox and a srcdoc under its own CSP', async () => {
    const el = mount(JourneyPage, { load: JOURNEY.loads[0] });
    await nextTick();
    const frame = el.querySelector('iframe')!;
    expect(frame.hasAttribute('sandbox')).toBe(true);
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('title')).toBe('Rendered page: Example Domain');
    expect(frame.getAttribute('src')).toBeNull();
    const srcdoc = frame.getAttribute('srcdoc') ?? (frame as HTMLIFrameElement).srcdoc;
    expect(srcdoc).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(srcdoc).toContain(`src="data:image/png;base64,${PIXEL_PNG}"`);
    expect(srcdoc).toContain('<h1>Example Domain</h1>');
    expect(srcdoc).toContain('h1 { color: navy; }');
    expect(el.querySelector('.bar')!.textContent).toContain('https://www.example.com/');
    expect(el.querySelector('.bar')!.textContent).toContain('Stylesheets: 1 (3 CSS rules) · images: 1');
    expect([...el.querySelectorAll('.painted li')].map((l) => l.textContent)).toEqual(JOURNEY.loads[0].render!.painted);
    expect(el.querySelector('[role="tree"]')!.getAttribute('aria-label')).toBe('DOM tree');
  });

  it('never puts a script or an event handler in the srcdoc', async () => {
    const render = { ...JOURNEY.loads[0].render!, html: '<html><head><script>top.location="https://evil.test"</script></head><body onload="alert(1)"><h1 onclick="alert(2)">Hi</h1><img src="/logo.png" onerror="alert(3)"><a href="javascript:alert(4)" onmouseover="alert(5)">x</a><script src="/app.js"></script></body></html>' };
    const el = mount(JourneyPage, { load: { ...JOURNEY.loads[0], render } });
    await nextTick();
    const frame = el.querySelector('iframe')!;
    const srcdoc = frame.getAttribute('srcdoc') ?? (frame as HTMLIFrameElement).srcdoc;
    expect(srcdoc).not.toMatch(/<script/i);
    expect(srcdoc).not.toMatch(/\son(load|click|error|mouseover)=/i);
    expect(srcdoc).not.toContain('javascript:');
    expect(srcdoc).toContain('<h1>Hi</h1>');
    expect(frame.getAttribute('sandbox')).toBe('');
  });

  it('shows the DOM as a tree: attributes, text, comments, opened and closed by keyboard', async () => {
    const dom = [...JOURNEY.loads[0].render!.dom, { depth: 2, kind: 'comment' as const, name: ' end of page ', attributes: {} }];
    const el = mount(DomTree, { nodes: dom });
    await nextTick();
    const tree = el.querySelector('[role="tree"]')!;
    expect(tree.getAttribute('aria-label')).toBe('DOM tree');
    const items = () => [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')];
    const text = (i: HTMLElement) => i.textContent!.replace(/[▾▸]/g, '').replace(/\s+/g, ' ').trim();
    const all = ['<html>', '<head>', '<title>', '"Example Domain"', '<link rel="stylesheet" href="/style.css">', '<body>', '<h1>', '"Example Domain"', '<p>', '"This domain is for use in the PacketLab URL journey."', '<img src="/logo.png" alt="logo">', '<!-- end of page -->'];
    expect(items().map(text)).toEqual(all);
    const html = items()[0];
    expect(html.getAttribute('aria-level')).toBe('1');
    expect(html.getAttribute('aria-expanded')).toBe('true');
    expect(items()[3].getAttribute('aria-level')).toBe('4');
    expect(items()[4].getAttribute('aria-expanded')).toBeNull(); // a leaf
    expect(items()[1].getAttribute('aria-setsize')).toBe('2');
    expect(items()[5].getAttribute('aria-posinset')).toBe('2');
    expect(items()[5].getAttribute('aria-setsize')).toBe('2');
    expect(items()[11].getAttribute('aria-posinset')).toBe('4');
    expect(items().filter((i) => i.tabIndex === 0)).toEqual([html]);

    html.focus();
    key(html, 'ArrowRight'); // open already: to the first child
    await settle();
    expect(text(active()!)).toBe('<head>');
    key(active()!, 'ArrowLeft'); // open: closes head
    await settle();
    expect(active()!.getAttribute('aria-expanded')).toBe('false');
    expect(items().map(text)).toEqual(['<html>', '<head>', ...all.slice(5)]);
    key(active()!, 'ArrowLeft'); // closed: to the parent
    await settle();
    expect(text(active()!)).toBe('<html>');
    key(active()!, 'End');
    await settle();
    expect(text(active()!)).toBe('<!-- end of page -->');
    key(active()!, 'ArrowUp');
    await settle();
    key(active()!, 'ArrowUp');
    await settle();
    key(active()!, 'ArrowUp');
    await settle();
    expect(text(active()!)).toBe('<p>');
    key(active()!, 'Enter'); // closes p
    await settle();
    expect(active()!.getAttribute('aria-expanded')).toBe('false');
    key(active()!, 'ArrowDown');
    await settle();
    expect(text(active()!)).toBe('<img src="/logo.png" alt="logo">');
    expect(active()!.getAttribute('aria-selected')).toBe('true');
    expect(items().filter((i) => i.tabIndex === 0)).toEqual([active()]);
    key(active()!, 'Home');
    await settle();
    key(active()!, 'ArrowLeft'); // closes html: one row left
    await settle();
    expect(items().map(text)).toEqual(['<html>']);
    key(active()!, 'ArrowRight'); // opens it again, as it was inside
    await settle();
    expect(items().map(text)).toEqual(['<html>', '<head>', '<body>', '<h1>', '"Example Domain"', '<p>', '<img src="/logo.png" alt="logo">', '<!-- end of page -->']);
  });

  it('says when nothing was rendered', async () => {
    const el = mount(JourneyPage, { load: { ...JOURNEY.loads[0], render: null } });
    await nextTick();
    expect(el.querySelector('iframe')).toBeNull();
    expect(el.textContent).toContain('Nothing was rendered for this load.');
  });
});

describe('journey button and dialog', () => {
  it('is disabled without a run, enabled once the run has a journey, and opens on the story', async () => {
    const el = mount(JourneyButton);
    const sim = useSimulationStore();
    const button = el.querySelector('button')!;
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('title')).toBe('Run a scenario that browses to a URL to see its journey');
    sim.result = { ok: true, sessionId: 's1', scenario: 'boot and browse example.com', frameCount: FRAMES, endedAtUs: 1e7, reason: 'idle', diagnostic: null, links: [], output: [], log: [] };
    await settle();
    expect(journeyCalls).toBe(1);
    expect(button.disabled).toBe(false);
    expect(button.textContent!.trim()).toBe('Journey');
    button.click();
    await settle();
    const dialog = document.body.querySelector<HTMLElement>('[role="dialog"]')!;
    expect(dialog.querySelector('h2')!.textContent).toBe('URL journey');
    const tabs = [...dialog.querySelectorAll<HTMLElement>('[role="tab"]')];
    expect(tabs.map((t) => t.textContent!.trim())).toEqual(['Story', 'Timing', 'Page']);
    expect(dialog.querySelector('[role="tablist"]')!.getAttribute('aria-label')).toBe('Journey views');
    expect(active()).toBe(tabs[0]);
    const panel = () => dialog.querySelector<HTMLElement>('[role="tabpanel"]:not([style*="display: none"])')!;
    expect(panel().getAttribute('aria-labelledby')).toBe(tabs[0].id);
    expect(panel().querySelectorAll('[role="listitem"]').length).toBe(JOURNEY.story.length);

    key(tabs[0], 'ArrowRight');
    await settle();
    expect(active()).toBe(tabs[1]);
    expect(tabs[1].getAttribute('aria-selected')).toBe('true');
    expect(panel().querySelectorAll('tbody tr.req')).toHaveLength(5);
    // Two page loads: a picker chooses which one Timing and Page show.
    const picker = dialog.querySelector<HTMLSelectElement>('.load-pick select')!;
    expect([...picker.options].map((o) => o.textContent)).toEqual(['https://www.example.com/ at 2.000000 s', 'https://www.example.com/ at 5.000000 s']);
    picker.value = '1';
    picker.dispatchEvent(new Event('change'));
    await settle();
    expect(panel().querySelectorAll('tbody tr.req')).toHaveLength(4);

    key(tabs[1], 'End');
    await settle();
    expect(active()).toBe(tabs[2]);
    expect(panel().querySelector('iframe')!.getAttribute('sandbox')).toBe('');
    key(tabs[2], 'ArrowRight'); // wraps around
    await settle();
    expect(active()).toBe(tabs[0]);

    key(tabs[0], 'Escape');
    await settle();
    expect(document.body.querySelector('[role="dialog"]')).toBeNull();
  });

  it('says so when the session goes away while the window is open', async () => {
    const el = mount(JourneyButton);
    const sim = useSimulationStore();
    sim.result = { ok: true, sessionId: 's3', scenario: null, frameCount: FRAMES, endedAtUs: 1e7, reason: 'idle', diagnostic: null, links: [], output: [], log: [] };
    await settle();
    el.querySelector('button')!.click();
    await settle();
    expect(document.body.querySelectorAll('[role="dialog"] [role="listitem"]').length).toBe(JOURNEY.story.length);
    sim.result = null;
    await settle();
    expect(document.body.querySelector('[role="dialog"] [role="listitem"]')).toBeNull();
    expect(document.body.querySelector('[role="dialog"]')!.textContent).toContain('This run has no URL journey');
    expect(el.querySelector('button')!.disabled).toBe(true);
  });

  it('shows a failed load in the dialog and retries', async () => {
    let fail = true;
    setHostClient(
      new HostClient({
        async request(name) {
          if (name !== 'sim.journey') throw new Error(`unexpected ${name}`);
          journeyCalls++;
          if (fail) throw new Error('the journey record is not built yet');
          return JOURNEY;
        },
        subscribe: () => () => undefined,
      }),
    );
    const el = mount(JourneyButton);
    useSimulationStore().result = { ok: true, sessionId: 's2', scenario: null, frameCount: 0, endedAtUs: 0, reason: 'idle', diagnostic: null, links: [], output: [], log: [] };
    await settle();
    const button = el.querySelector('button')!;
    expect(button.disabled).toBe(false);
    button.click();
    await settle();
    const alert = document.body.querySelector('[role="dialog"] [role="alert"]')!;
    expect(alert.textContent).toContain('Could not load the journey: the journey record is not built yet');
    fail = false;
    (alert.querySelector('button') as HTMLButtonElement).click();
    await settle();
    expect(useJourneyStore().status).toBe('ready');
    expect(document.body.querySelector('[role="dialog"] [role="alert"]')).toBeNull();
    expect(document.body.querySelectorAll('[role="dialog"] [role="listitem"]').length).toBe(JOURNEY.story.length);
  });
});
