// The packet panes mounted in happy-dom with the real store and worker logic (in-process):
// list rows and colours, keyboard navigation, the filter bar's states, and linked highlighting
// between the details tree and the bytes.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { createApp, nextTick, ref, type App } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { i18n } from '../../i18n';
import { readCapture, writePcap } from '../../../../src-shared/capture';
import { setCaptureWorkerFactory, useCaptureStore } from '../../stores/capture';
import { inProcessWorker } from '../../testing/in-process-worker';
import { DEFAULT_COLOR_RULES } from '../../workers/color-rules';
import PacketListGrid from './PacketListGrid.vue';
import DisplayFilterBar from './DisplayFilterBar.vue';
import PacketDetailsPane from './PacketDetailsPane.vue';
import PacketBytesPane from './PacketBytesPane.vue';
import FlowGraphDialog from './FlowGraphDialog.vue';


function fixture(name: string): ArrayBuffer {
  const b = readFileSync(path.join(__dirname, '../../workers/fixtures', name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

async function settle(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
    await nextTick();
  }
}

let app: App | null = null;
let host: HTMLElement;

function mount(component: object): HTMLElement {
  host = document.createElement('div');
  host.style.height = '400px';
  document.body.appendChild(host);
  app = createApp(component);
  app.use(i18n);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  app.mount(host);
  return host;
}

describe('packet panes', () => {
  beforeEach(() => {
    setCaptureWorkerFactory(inProcessWorker);
    // happy-dom lays nothing out: give every element a size so the virtual list renders rows.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({ x: 0, y: 0, top: 0, left: 0, right: 800, bottom: 400, width: 800, height: 400, toJSON: () => ({}) } as DOMRect);
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(400);
    vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(400);
    vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockReturnValue(800);
  });
  afterEach(() => {
    app?.unmount();
    host?.remove();
    vi.restoreAllMocks();
  });

  it('lists rows with Wireshark colours and moves the selection with the keyboard', async () => {
    const el = mount(PacketListGrid);
    const capture = useCaptureStore();
    await capture.open(fixture('routing-icmp-errors.pcapng'));
    // Rows not fetched yet show "…" in the No. column.
    await settle(() => el.querySelectorAll('[role=row][aria-rowindex]').length > 5 && el.querySelector('[role=row][aria-rowindex="2"] .c-no')?.textContent === '1');
    const grid = el.querySelector<HTMLElement>('[role=grid]')!;
    expect(grid.getAttribute('aria-label')).toBe('Packet list');
    const first = el.querySelector<HTMLElement>('[role=row][aria-rowindex="2"]')!;
    expect(first.querySelector('.c-no')!.textContent).toBe('1');
    // frame 1 is ARP: Wireshark's ARP colours
    expect(first.querySelector('.c-proto')!.textContent).toBe('ARP');
    const arp = DEFAULT_COLOR_RULES.find((r) => r.name === 'ARP')!;
    expect(first.style.background.toLowerCase()).toMatch(new RegExp(`${arp.bg}|${hexToRgb(arp.bg).replace(/[()]/g, '\\$&')}`));

    grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await settle(() => capture.selectedPos === 0 && capture.details !== null);
    grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    await settle(() => capture.selectedPos === capture.viewCount - 1);
    grid.dispatchEvent(new KeyboardEvent('keydown', { key: ',', ctrlKey: true, bubbles: true }));
    await settle(() => capture.selectedPos === capture.viewCount - 2);
    expect(grid.getAttribute('aria-activedescendant')).toBe(`packet-row-${capture.viewCount - 2}`);
    grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    await settle(() => capture.selectedPos === 0);

    // Column widths: the No. column's separator widens it by 10 px per Right key, remembered.
    localStorage.removeItem('packetlab.packetColumns');
    const sep = el.querySelector<HTMLElement>('[role=separator]')!;
    const before = Number(sep.getAttribute('aria-valuenow'));
    sep.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await nextTick();
    expect(Number(sep.getAttribute('aria-valuenow'))).toBe(before + 10);
    expect(JSON.parse(localStorage.getItem('packetlab.packetColumns')!)[0]).toBe(before + 10);
    expect(first.style.gridTemplateColumns.startsWith(`${before + 10}px`)).toBe(true);
  });

  it('draws a fixed pool of rows: scrolling shows the rows there, in order, and a click selects one', async () => {
    const el = mount(PacketListGrid);
    const capture = useCaptureStore();
    const frames = readCapture(new Uint8Array(fixture('dns-udp-queries.pcapng'))).packets.map((p) => p.data);
    const big = writePcap({ linkType: 1 }, Array.from({ length: 3000 }, (_, i) => ({ timestamp: { seconds: i, nanoseconds: 0 }, data: frames[i % frames.length] })));
    await capture.open(big.buffer as ArrayBuffer, 'big.pcap');
    await settle(() => el.querySelector('[role=row][aria-rowindex="2"] .c-no')?.textContent === '1');
    const grid = el.querySelector<HTMLElement>('[role=grid]')!;
    grid.scrollTop = 22 * 1500;
    grid.dispatchEvent(new Event('scroll'));
    await settle(() => el.querySelector('[role=row][aria-rowindex="1502"] .c-no')?.textContent === '1501');
    const rows = [...el.querySelectorAll<HTMLElement>('.body [role=row]:not([hidden])')];
    // 400 px of viewport: about 17 rows on screen, a few more around them; never one per frame.
    expect(rows.length).toBeGreaterThan(17);
    expect(rows.length).toBeLessThan(40);
    const indexes = rows.map((r) => Number(r.getAttribute('aria-rowindex')));
    expect(indexes).toEqual(indexes.map((_, k) => indexes[0] + k));
    expect(rows.every((r) => r.querySelector('.c-no')!.textContent === String(Number(r.getAttribute('aria-rowindex')) - 1))).toBe(true);
    el.querySelector<HTMLElement>('[role=row][aria-rowindex="1502"] .c-info')!.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    await settle(() => capture.selectedPos === 1500 && capture.details?.no === 1501);
    expect(el.querySelector('[role=row][aria-selected=true]')?.getAttribute('aria-rowindex')).toBe('1502');
  });

  it('colours the filter bar and underlines the error position', async () => {
    const el = mount(DisplayFilterBar);
    const capture = useCaptureStore();
    capture.filterText = 'ip.addr == 10.0.0.300';
    await nextTick();
    expect(el.querySelector('.filter-bar')!.classList.contains('invalid')).toBe(true);
    expect(el.querySelector('input')!.getAttribute('aria-invalid')).toBe('true');
    expect(el.querySelector('.bad')!.textContent).toBe('10.0.0.300');
    capture.filterText = 'ip.addr == 10.0.0.3';
    await nextTick();
    expect(el.querySelector('.filter-bar')!.classList.contains('valid')).toBe(true);
    expect(el.querySelector('[role=alert]')).toBeNull();
  });

  it('highlights the selected node in the bytes and selects the node under a clicked byte', async () => {
    const el = mount({
      components: { PacketDetailsPane, PacketBytesPane },
      template: '<div><PacketDetailsPane /><PacketBytesPane /></div>',
    });
    const capture = useCaptureStore();
    await capture.open(fixture('http-keepalive-3req.pcapng'));
    await capture.selectPosition(0);
    await settle(() => el.querySelectorAll('[role=treeitem]').length > 0);
    const items = () => [...el.querySelectorAll<HTMLElement>('[role=treeitem]')];
    const tcp = items().find((i) => i.textContent!.includes('Transmission Control Protocol'))!;
    tcp.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    await nextTick();
    const lit = [...el.querySelectorAll<HTMLElement>('.b.lit')].map((b) => Number(b.dataset.offset));
    expect(lit[0]).toBe(34);
    expect(lit.length).toBe(40); // 20-byte header + 20 bytes of options on the SYN
    // Assistive technology reads them as marked text, and a polite status says which they are.
    expect([...el.querySelectorAll('.b.lit')].every((b) => b.tagName === 'MARK')).toBe(true);
    expect([...el.querySelectorAll('.b:not(.lit)')].some((b) => b.tagName === 'MARK')).toBe(false);
    const status = () => el.querySelector('[role=region] [role=status]')!.textContent;
    expect(status()).toBe('40 bytes at offset 34 highlighted');
    // byte 36: TCP destination port; its subtree is closed, so the tree opens to it
    el.querySelector<HTMLElement>('.b[data-offset="36"]')!.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    await settle(() => !!el.querySelector('[role=treeitem][aria-selected=true]'));
    expect(el.querySelector('[role=treeitem][aria-selected=true]')!.textContent).toContain('Destination Port');
    expect([...el.querySelectorAll<HTMLElement>('.b.lit')].map((b) => b.dataset.offset)).toEqual(['36', '37']);
    expect(status()).toBe('2 bytes at offset 36 highlighted');
    // generated items are shown in brackets
    expect(items().some((i) => /^\[Stream index: 0\]$/.test(i.textContent!.trim()))).toBe(true);
  });

  it('shows a tab per byte source for decrypted TLS, with linked highlighting inside the decrypted bytes', async () => {
    const el = mount({
      components: { PacketDetailsPane, PacketBytesPane },
      template: '<div><PacketDetailsPane /><PacketBytesPane /></div>',
    });
    const capture = useCaptureStore();
    const keyLog = readFileSync(path.join(__dirname, '../../workers/fixtures/https-tls13.keys'), 'utf8');
    await capture.open(fixture('https-tls13.pcapng'), 'https-tls13.pcapng', { keyLog });
    await capture.selectPosition(10);
    await settle(() => el.querySelectorAll('[role=tab]').length === 2);
    const tabs = () => [...el.querySelectorAll<HTMLElement>('[role=tab]')];
    expect(tabs()[0].textContent!.trim()).toBe(`Frame (${capture.details!.bytes.length} bytes)`);
    expect(tabs()[1].textContent!.trim()).toMatch(/^Decrypted TLS \(\d+ bytes\)$/);
    expect(tabs()[0].getAttribute('aria-selected')).toBe('true');
    const ascii = () => [...el.querySelectorAll<HTMLElement>('.ascii')].map((a) => a.textContent).join('');
    expect(ascii()).not.toContain('GET /index');
    tabs()[1].click();
    await nextTick();
    expect(tabs()[1].getAttribute('aria-selected')).toBe('true');
    expect(ascii().startsWith('GET /index.html HTTP/1.1')).toBe(true);
    // A click on a decrypted byte selects the HTTP item there and lights its bytes in this tab.
    el.querySelector<HTMLElement>('.b[data-offset="0"]')!.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    await settle(() => !!el.querySelector('[role=treeitem][aria-selected=true]'));
    expect(capture.selectedNode?.dataSource).toBe(0);
    expect(el.querySelector('.b[data-offset="0"]')!.classList.contains('lit')).toBe(true);
    // Arrow keys move between the tabs.
    el.querySelector('[role=tablist]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    await nextTick();
    expect(tabs()[0].getAttribute('aria-selected')).toBe('true');
    expect(el.querySelector('.b.lit')).toBeNull();
    // The highlighted bytes are in the other tab: none described here.
    expect(el.querySelector('[role=region] [role=status]')!.textContent).toBe('');
  });

  it('draws the flow graph as a grid of named rows, the selected frame aria-selected; arrows select', async () => {
    const show = ref(false);
    mount({ components: { FlowGraphDialog }, setup: () => ({ show }), template: '<FlowGraphDialog v-if="show" />' });
    const store = useCaptureStore();
    await store.open(fixture('http-keepalive-3req.pcapng'));
    await store.selectFrame(0);
    show.value = true;
    await settle(() => document.querySelectorAll('[role=grid] [role=row][aria-label]').length > 0);
    const grid = document.querySelector<HTMLElement>('[role=grid]')!;
    expect(grid.getAttribute('aria-label')).toBe('Flow Graph');
    const rows = () => [...grid.querySelectorAll<HTMLElement>('[role=row][aria-label]')];
    const flow = store.flow!;
    expect(rows().map((r) => r.getAttribute('aria-label'))).toEqual(
      flow.rows.map((r) => `Frame ${r.no}, ${r.time}, ${flow.endpoints[r.from]} → ${flow.endpoints[r.to]}, ${r.protocol}: ${r.label}`),
    );
    expect(rows().every((r) => r.querySelectorAll('[role=gridcell]').length > 0)).toBe(true);
    const selected = () => rows().filter((r) => r.getAttribute('aria-selected') === 'true').map((r) => r.getAttribute('aria-label')!.split(',')[0]);
    expect(selected()).toEqual(['Frame 1']);
    expect(rows()[0].tabIndex).toBe(0);
    expect(rows()[1].tabIndex).toBe(-1);
    rows()[0].dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await settle(() => store.selectedFrame === flow.rows[1].no - 1);
    await nextTick();
    expect(selected()).toEqual([`Frame ${flow.rows[1].no}`]);
    expect(rows()[1].tabIndex).toBe(0);
    // The scope list has a name of its own, not the dialog's.
    expect(document.querySelector('select')!.getAttribute('aria-label')).toBe('Show');
  });
});

function hexToRgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}
