// The URL journey end to end, in serve mode: open the lab, run its first scenario, export the capture
// and let tshark judge it (DHCP, ARP, DNS from the root down, TCP, TLS 1.3, HTTP decrypted with the
// embedded secrets, no malformed frames, no bad checksums); filter `dns` and compare with tshark;
// inspect the query sent to the root server (details tree, highlighted bytes equal to the name on
// the wire); step with `dns` applied through the frames it displays, then forward and back over every
// frame with the canvas following, and reset; the flow graph of the conversation;
// the Journey window (story steps against the capture, request timings, the sandboxed page, Korean).
// Addresses, names and pages come from the lab file and tshark, never from this file.
import type { Locator, Page } from '@playwright/test';
import { test, expect, MARK_ROLE } from './fixtures';
import { ko as appKo } from '../src-renderer/src/i18n/ko';
import { journeyMessages as ko } from '../src-renderer/src/i18n/journey.ko';
import { linkPeer, readLab, recursiveResolver, redirectOf, rootServer, servedText, zoneServer } from './lab-file';
import { CHECK_CHECKSUMS, dnsWireName, frameJson, frameNumbers, rawField, requireTshark, table, withoutSecrets } from './tshark';

const LAB = readLab('topologies/url-journey.lab.json');
const SCENARIO = LAB.scenarios[0];
const BROWSE = SCENARIO.actions.find((a) => a.type === 'browse')!;
/** What the user typed, and the page its web server redirects to. */
const TYPED = new URL(`http://${BROWSE.url}`);
const TARGET = new URL(redirectOf(LAB, TYPED.hostname) ?? TYPED.href);
const ROOT = rootServer(LAB);
const TLD = zoneServer(LAB, 'com.');
const AUTHORITATIVE = zoneServer(LAB, 'example.com.');

/** The fields the test reads from every frame of the exported capture. */
const FIELDS = [
  'frame.number',
  'frame.interface_id',
  'frame.interface_description',
  'ip.src',
  'ip.dst',
  'ip.checksum.status',
  'udp.checksum.status',
  'tcp.checksum.status',
  'arp.opcode',
  'dhcp.option.dhcp',
  'dns.flags.response',
  'dns.qry.name',
  'dns.retransmit_request_in',
  'dns.retransmit_response_in',
  'tcp.stream',
  'tcp.flags',
  'tcp.seq',
  'tcp.ack',
  'tcp.dstport',
  'tls.record.content_type',
  'tls.handshake.type',
  'tls.handshake.extensions.supported_version',
  'http.request.method',
  'http.host',
  'http.request.uri',
  'http.response.code',
] as const;
type Frame = Record<(typeof FIELDS)[number], string>;

const grid = (page: Page) => page.getByRole('grid', { name: 'Packet list' });
const selectedRow = (page: Page) => grid(page).locator('[role=row][aria-selected=true]');
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Simulation' });

interface ListRow {
  no: number;
  source: string;
  destination: string;
  protocol: string;
  info: string;
}

/** Every displayed row of the virtualised packet list, read by scrolling it from top to bottom. */
async function displayedRows(page: Page): Promise<ListRow[]> {
  const list = grid(page);
  const count = Number(await list.getAttribute('aria-rowcount')) - 1;
  const rows = new Map<number, ListRow>();
  const { height, scrollHeight } = await list.evaluate((el) => ({ height: el.clientHeight, scrollHeight: el.scrollHeight }));
  for (let top = 0; rows.size < count && top <= scrollHeight; top += Math.max(50, height / 2)) {
    // Scroll, and let the list draw that position (it paints on scroll, by animation frame).
    await list.evaluate((el, y) => new Promise((done) => ((el.scrollTop = y), requestAnimationFrame(() => requestAnimationFrame(done)))), top);
    // Rows not fetched yet show "…" for their number.
    await expect(list.getByRole('gridcell', { name: '…', exact: true })).toHaveCount(0);
    const seen = await list.getByRole('row').evaluateAll((els) =>
      els.map((el) => [el.getAttribute('aria-rowindex'), ...[...el.querySelectorAll('[role=gridcell]')].map((c) => c.textContent ?? '')]),
    );
    for (const [index, no, , source, destination, protocol, , info] of seen) {
      if (index === '1' || no == null) continue;
      rows.set(Number(index), { no: Number(no), source: source ?? '', destination: destination ?? '', protocol: protocol ?? '', info: info ?? '' });
    }
  }
  await list.evaluate((el) => (el.scrollTop = 0));
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
}

/**
 * The bytes highlighted in the bytes pane as assistive technology gets them: the hex of its marked
 * cells, and the count and offset its status says ("17 bytes at offset 54 highlighted"; -1: none).
 */
async function litBytes(page: Page): Promise<{ hex: string; count: number; offset: number }> {
  const pane = page.getByRole('region', { name: 'Packet bytes' });
  const hex = (await pane.getByRole(MARK_ROLE).allTextContents()).join('').toLowerCase();
  const said = /^(\d+) bytes? at offset (\d+) highlighted$/.exec((await pane.getByRole('status').textContent()) ?? '');
  return { hex, count: said ? Number(said[1]) : 0, offset: said ? Number(said[2]) : -1 };
}
/** What litBytes should read for the bytes `hex` at `offset`. */
const lit = (hex: string, offset: number) => ({ hex, count: hex.length / 2, offset });

/** Selects a details item by its text; expands it when asked (Right arrow, as a keyboard user). */
async function pickItem(tree: Locator, name: string | RegExp, expand = false): Promise<Locator> {
  const item = tree.getByRole('treeitem', { name, exact: typeof name === 'string' });
  await item.click();
  await expect(item).toHaveAttribute('aria-selected', 'true');
  if (expand && (await item.getAttribute('aria-expanded')) === 'false') {
    await item.press('ArrowRight');
    await expect(item).toHaveAttribute('aria-expanded', 'true');
  }
  return item;
}

/** Where the canvas draws the current frame: its label, the rings' centres and every device's centre. */
async function canvasFrame(page: Page) {
  return page.evaluate(() => {
    type Node = { data(k: string): string; renderedPosition(): { x: number; y: number } };
    const cy = (window as unknown as { __packetlabCy: { nodes(): Node[] } }).__packetlabCy;
    const svg = document.querySelector('[data-testid="frame-animation"]');
    const centre = (sel: string) => {
      const c = svg?.querySelector(sel);
      return c ? { x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')) } : null;
    };
    const devices: Record<string, { x: number; y: number }> = {};
    for (const n of cy.nodes()) devices[String(n.data('label')).split('\n')[0]] = n.renderedPosition();
    return { frame: svg?.getAttribute('data-frame') ?? null, from: centre('circle.ring.from'), to: centre('circle.ring.to'), devices };
  });
}

test('the URL journey: run, export checked by tshark, filter, inspect the root query, step, flow graph, story', async ({ appPage: page, consoleErrors }, testInfo) => {
  requireTshark();
  const capture = testInfo.outputPath('journey.pcapng');

  await expect(page.locator('.app[data-ready="true"]')).toBeVisible();
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: LAB.name }).click();
  await expect(page.getByRole('region', { name: 'Topology' })).toBeVisible();

  let total = 0;
  await test.step('run the first scenario', async () => {
    const bar = toolbar(page);
    await expect(bar.getByRole('combobox', { name: 'Scenario' })).toHaveValue(SCENARIO.name);
    await bar.getByRole('combobox', { name: 'Speed' }).selectOption('16');
    await bar.getByRole('button', { name: 'Run' }).click();
    // The engine runs the whole scenario at once; then playback walks through its frames.
    const status = bar.getByRole('status');
    await expect(status).toHaveText(/^Frame \d+ of \d+$/, { timeout: 20_000 });
    total = Number(/of (\d+)$/.exec((await status.textContent()) ?? '')![1]);
    expect(total).toBeGreaterThan(100);
    await expect(grid(page)).toHaveAttribute('aria-rowcount', String(total + 1));
    await bar.getByRole('button', { name: 'Pause' }).click();
    await expect(bar.getByRole('button', { name: 'Run' })).toBeEnabled();
  });

  await test.step('export the capture as pcapng', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export as pcapng' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${SCENARIO.name}.pcapng`);
    await file.saveAs(capture);
  });

  // One pass of tshark over every frame (checksums verified, TLS decrypted with the file's secrets).
  let frames: Frame[] = [];
  await test.step('tshark reads the capture', () => {
    frames = table(capture, 'frame', FIELDS, CHECK_CHECKSUMS) as Frame[];
    expect(frames.length).toBe(total);
  });
  const where = (test: (f: Frame) => boolean) => frames.filter(test).map((f) => Number(f['frame.number']));
  const first = (test: (f: Frame) => boolean) => where(test)[0] ?? Infinity;
  const has = (list: string, value: string) => list.split(',').includes(value);

  await test.step('tshark: DHCP, ARP, DNS from the root down', () => {
    // DORA, in order.
    const dora = ['1', '2', '3', '5'].map((type) => first((f) => f['dhcp.option.dhcp'] === type));
    expect(dora.every(Number.isFinite), `DHCP Discover/Offer/Request/ACK at frames ${dora}`).toBe(true);
    expect([...dora].sort((a, b) => a - b)).toEqual(dora);
    expect(where((f) => f['arp.opcode'] === '1').length, 'ARP requests').toBeGreaterThan(0);
    expect(where((f) => f['arp.opcode'] === '2').length, 'ARP replies').toBeGreaterThan(0);
    // The resolver asks the root, then the TLD, then the authoritative server; each answers.
    const servers = [ROOT, TLD, AUTHORITATIVE];
    const queries = servers.map((server) => first((f) => f['dns.flags.response'] === '0' && f['ip.dst'] === server));
    expect(queries.every(Number.isFinite), `queries to ${servers} at frames ${queries}`).toBe(true);
    expect([...queries].sort((a, b) => a - b)).toEqual(queries);
    for (const server of servers) expect(where((f) => f['dns.flags.response'] === '1' && f['ip.src'] === server).length, `answers from ${server}`).toBeGreaterThan(0);
  });

  await test.step('tshark: TCP handshake, TLS 1.3, HTTP decrypted with the embedded secrets', () => {
    // The page the user ends up on: the name typed, redirected by its web server to https.
    expect(TARGET.protocol).toBe('https:');
    const target = TARGET;
    // Its GET, read by tshark inside TLS application data.
    const request = frames.find(
      (f) => f['http.request.method'] === 'GET' && f['http.host'] === target.hostname && f['http.request.uri'] === target.pathname && has(f['tls.record.content_type'], '23'),
    );
    expect(request, `GET ${target.href} decrypted`).toBeDefined();
    const stream = frames.filter((f) => f['tcp.stream'] === request!['tcp.stream']);
    const at = (test: (f: Frame) => boolean) => Number(stream.find(test)?.['frame.number'] ?? NaN);
    // The TCP handshake to port 443 …
    const syn = at((f) => f['tcp.flags'] === '0x0002' && f['tcp.dstport'] === '443');
    const synAck = at((f) => f['tcp.flags'] === '0x0012');
    const ack = at((f) => f['tcp.flags'] === '0x0010' && f['tcp.seq'] === '1' && f['tcp.ack'] === '1');
    expect(syn, 'SYN').toBe(Number(stream[0]['frame.number']));
    expect(synAck, 'SYN/ACK').toBeGreaterThan(syn);
    expect(ack, 'ACK').toBeGreaterThan(synAck);
    // … then TLS 1.3: both hellos name 0x0304; the encrypted handshake (EncryptedExtensions,
    // Certificate, CertificateVerify, Finished) reads only with the secrets.
    const hello = (type: string) => at((f) => has(f['tls.handshake.type'], type) && has(f['tls.handshake.extensions.supported_version'], '0x0304'));
    expect(hello('1'), 'ClientHello offering TLS 1.3').toBeGreaterThan(ack);
    expect(hello('2'), 'ServerHello choosing TLS 1.3').toBeGreaterThan(hello('1'));
    for (const type of ['8', '11', '15', '20']) expect(at((f) => has(f['tls.handshake.type'], type)), `TLS handshake type ${type}`).toBeGreaterThanOrEqual(hello('2'));
    expect(Number(request!['frame.number'])).toBeGreaterThan(at((f) => has(f['tls.handshake.type'], '20')));
    expect(stream.some((f) => f['http.response.code'] === '200' && has(f['tls.record.content_type'], '23')), '200 OK decrypted').toBe(true);
    expect(frameNumbers(capture, 'http').length).toBeGreaterThan(0);
    // Without the secrets block the same file shows no HTTP inside TLS.
    const bare = testInfo.outputPath('journey-without-secrets.pcapng');
    withoutSecrets(capture, bare);
    expect(frameNumbers(bare, 'tls && http')).toEqual([]);
  });

  await test.step('tshark: nothing malformed, no bad checksum, no unexplained warning', () => {
    expect(frameNumbers(capture, '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad"', CHECK_CHECKSUMS)).toEqual([]);
    // Every checksum was verified good (1), none left unverified.
    for (const proto of ['ip', 'tcp', 'udp'] as const) {
      const statuses = frames.flatMap((f) => (f[`${proto}.checksum.status`] ? f[`${proto}.checksum.status`].split(',') : []));
      expect(statuses.length, `${proto} checksums`).toBeGreaterThan(0);
      expect(new Set(statuses), `${proto} checksum statuses`).toEqual(new Set(['1']));
    }
    // Every link is captured, so a DNS message forwarded hop by hop shows again on the next link
    // (tshark calls it a retransmission): the only warnings allowed, each on another interface.
    expect(frameNumbers(capture, '_ws.expert.severity >= warning && !dns.retransmission', CHECK_CHECKSUMS)).toEqual([]);
    const iface = new Map(frames.map((f) => [f['frame.number'], f['frame.interface_id']]));
    for (const f of frames.filter((f) => f['dns.retransmit_request_in'] || f['dns.retransmit_response_in'])) {
      const original = f['dns.retransmit_request_in'] || f['dns.retransmit_response_in'];
      expect(f['frame.interface_id'], `frame ${f['frame.number']} repeats frame ${original} on the same interface`).not.toBe(iface.get(original));
    }
  });

  const rootQuery = first((f) => f['dns.flags.response'] === '0' && f['ip.dst'] === ROOT);
  await test.step('filter dns: the same frames as tshark -Y dns', async () => {
    const filter = page.getByRole('textbox', { name: 'Display filter' });
    await filter.fill('dns');
    await expect(filter).toHaveAttribute('aria-invalid', 'false');
    await filter.press('Enter');
    const expected = frameNumbers(capture, 'dns');
    await expect(page.getByText(`Displayed: ${expected.length} of ${total}`)).toBeVisible();
    await expect(grid(page)).toHaveAttribute('aria-rowcount', String(expected.length + 1));
    const rows = await displayedRows(page);
    expect(rows.map((r) => r.no)).toEqual(expected);
    expect(new Set(rows.map((r) => r.protocol))).toEqual(new Set(['DNS']));
  });

  await test.step('the query sent to the root server: details and bytes', async () => {
    const layers = frameJson(capture, rootQuery);
    const query = frames[rootQuery - 1];
    const qname = query['dns.qry.name'];
    // The resolver asks the root for the very name the user typed.
    expect(qname).toBe(TYPED.hostname);
    const nameOnWire = rawField(layers, 'dns.qry.name')!;
    expect(nameOnWire.hex).toBe(dnsWireName(qname));
    const type = rawField(layers, 'dns.qry.type')!;
    const klass = rawField(layers, 'dns.qry.class')!;

    const row = grid(page).getByRole('row').filter({ has: page.getByRole('gridcell', { name: ROOT, exact: true }) }).first();
    await expect(row.getByRole('gridcell').first()).toHaveText(String(rootQuery));
    await expect(row).toContainText(qname);
    await row.click();
    await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText(String(rootQuery));
    // The simulation follows the list: this frame is now the current one.
    await expect(toolbar(page).getByRole('status')).toHaveText(`Frame ${rootQuery} of ${total}`);

    const tree = page.getByRole('tree', { name: 'Packet details' });
    await expect(tree.getByRole('treeitem').first()).toHaveText(new RegExp(`^Frame ${rootQuery}:`));
    // The layer is named as tshark names it and lights the whole DNS message, where tshark puts it.
    await pickItem(tree, 'Domain Name System (query)', true);
    const message = rawField(layers, 'dns')!;
    await expect.poll(() => litBytes(page)).toEqual(lit(message.hex, message.offset));
    // "Queries" lights the question section, as in Wireshark.
    await pickItem(tree, 'Queries', true);
    await expect.poll(() => litBytes(page)).toEqual(lit(nameOnWire.hex + type.hex + klass.hex, nameOnWire.offset));
    // The question: the name as sent on the wire, then type and class.
    await pickItem(tree, `${qname}: type A, class IN`, true);
    await expect.poll(() => litBytes(page)).toEqual(lit(nameOnWire.hex + type.hex + klass.hex, nameOnWire.offset));
    await pickItem(tree, `Name: ${qname}`);
    await expect.poll(() => litBytes(page)).toEqual(lit(nameOnWire.hex, nameOnWire.offset));
    await page.screenshot({ path: testInfo.outputPath('root-query.png') });
  });

  await test.step('step with dns applied: only the displayed frames, the list and the canvas follow', async () => {
    const bar = toolbar(page);
    const dns = frameNumbers(capture, 'dns');
    const [next, after] = dns.slice(dns.indexOf(rootQuery) + 1);
    // The frame after the root query is one the filter hides (an ARP frame, say): stepping skips it.
    expect(next, 'a frame dns hides right after the root query').toBeGreaterThan(rootQuery + 1);
    const expectAt = async (no: number) => {
      await expect(bar.getByRole('status')).toHaveText(`Frame ${no} of ${total}`);
      await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText(String(no));
      await expect(page.getByRole('tree', { name: 'Packet details' }).getByRole('treeitem').first()).toHaveText(new RegExp(`^Frame ${no}:`));
      await expect(page.getByTestId('frame-animation')).toHaveAttribute('data-frame', String(no));
    };
    await bar.getByRole('button', { name: 'Step forward' }).click();
    await expectAt(next);
    // F10 and F9 step the same way.
    await page.keyboard.press('F10');
    await expectAt(after);
    await page.keyboard.press('F9');
    await expectAt(next);
    await bar.getByRole('button', { name: 'Step back' }).click();
    await expectAt(rootQuery);
  });

  await test.step('step forward and back: the list and the canvas follow', async () => {
    await page.getByRole('button', { name: 'Clear display filter' }).click();
    await expect(page.getByText(`${total} frames`)).toBeVisible();
    await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText(String(rootQuery));
    const bar = toolbar(page);
    const expectAt = async (no: number) => {
      await expect(bar.getByRole('status')).toHaveText(`Frame ${no} of ${total}`);
      await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText(String(no));
      await expect(page.getByTestId('frame-animation')).toHaveAttribute('data-frame', String(no));
      // The frame's interface says which link and sender: the canvas rings that device and its peer.
      const sent = frames[no - 1]['frame.interface_description'];
      const [, link, device] = /^link (\S+), sending side (\S+) /.exec(sent) ?? [];
      expect(link, `frame ${no} sent on "${sent}"`).toBeDefined();
      const drawn = await canvasFrame(page);
      const near = (a: { x: number; y: number } | null, b: { x: number; y: number } | undefined) => !!a && !!b && Math.hypot(a.x - b.x, a.y - b.y) < 1;
      expect(near(drawn.from, drawn.devices[device]), `sender ring on ${device}`).toBe(true);
      expect(near(drawn.to, drawn.devices[linkPeer(LAB, link, device)]), `receiver ring on ${linkPeer(LAB, link, device)}`).toBe(true);
    };
    const forward = bar.getByRole('button', { name: 'Step forward' });
    const back = bar.getByRole('button', { name: 'Step back' });
    await forward.click();
    await expectAt(rootQuery + 1);
    await forward.click();
    await expectAt(rootQuery + 2);
    await back.click();
    await expectAt(rootQuery + 1);
    await back.click();
    await expectAt(rootQuery);
  });

  await test.step('flow graph of the conversation with the root server', async () => {
    // The conversation: every frame between the two addresses, either way (outer IP header).
    const { 'ip.src': resolver, 'ip.dst': root } = frames[rootQuery - 1];
    const expected = where((f) => {
      const [src, dst] = [f['ip.src'].split(',')[0], f['ip.dst'].split(',')[0]];
      return (src === resolver && dst === root) || (src === root && dst === resolver);
    });
    await page.getByRole('button', { name: 'Flow Graph' }).click();
    const dialog = page.getByRole('dialog', { name: 'Flow Graph' });
    await expect(dialog.getByRole('combobox', { name: 'Show' })).toHaveValue('conversation');
    const flow = dialog.getByRole('grid', { name: 'Flow Graph' });
    // A row per frame, named after it ("Frame 20, 2.019681, …"); the current frame's is selected.
    const rows = flow.getByRole('row', { name: /^Frame \d+, / });
    await expect(rows).toHaveCount(expected.length);
    for (const [i, no] of expected.entries()) await expect(rows.nth(i)).toHaveAccessibleName(new RegExp(`^Frame ${no}, `));
    const selected = flow.getByRole('row', { selected: true });
    await expect(selected).toHaveAccessibleName(new RegExp(`^Frame ${rootQuery}, `));
    // A click on the root's answer jumps to its frame.
    const answer = expected.find((n) => n > rootQuery && frames[n - 1]['ip.src'] === root)!;
    await rows.nth(expected.indexOf(answer)).click();
    await expect(selected).toHaveAccessibleName(new RegExp(`^Frame ${answer}, `));
    await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText(String(answer));
    await expect(toolbar(page).getByRole('status')).toHaveText(`Frame ${answer} of ${total}`);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  await test.step('the story of the journey, its timing and the rendered page', async () => {
    await toolbar(page).getByRole('button', { name: 'Journey' }).click();
    const dialog = page.getByRole('dialog', { name: 'URL journey' });
    await expect(dialog.getByRole('tab', { name: 'Story' })).toHaveAttribute('aria-selected', 'true');
    const story = dialog.getByRole('list', { name: 'Journey story' });
    const items = story.getByRole('listitem').filter({ has: page.locator('.sentence') });
    await expect(items.first()).toBeVisible();
    // Each step: "DNS, isp: <sentence>", with buttons to its first and last frames.
    const steps = (
      await items.evaluateAll((els) =>
        els.map((el) => {
          const frames = [...el.querySelectorAll('button[aria-label^="Go to frame"]')].map((b) => Number(/frame (\d+)/.exec(b.getAttribute('aria-label') ?? '')?.[1]));
          return { label: el.getAttribute('aria-label') ?? '', first: frames[0] ?? null, last: frames[1] ?? frames[0] ?? null };
        }),
      )
    ).map((s, index) => ({ ...s, index, step: s.label.split(',')[0] }));
    expect(new Set(steps.map((s) => s.step))).toEqual(new Set(['DHCP', 'URL', 'Cache', 'ARP', 'DNS', 'TCP', 'TLS', 'HTTP', 'Render']));
    // A step's first frame is, for tshark, the message that starts it.
    const starts: Record<string, (f: Frame) => boolean> = {
      DHCP: (f) => f['dhcp.option.dhcp'] === '1',
      ARP: (f) => f['arp.opcode'] === '1',
      DNS: (f) => f['dns.flags.response'] === '0',
      TCP: (f) => f['tcp.flags'] === '0x0002',
      TLS: (f) => has(f['tls.handshake.type'], '1'),
      HTTP: (f) => f['http.request.method'] !== '',
    };
    for (const s of steps.filter((x) => x.first !== null)) {
      expect(starts[s.step], `a ${s.step} step with frames`).toBeDefined();
      expect(starts[s.step](frames[s.first! - 1]), `frame ${s.first} starts "${s.label}"`).toBe(true);
      expect(s.last!).toBeGreaterThanOrEqual(s.first!);
    }
    // The resolver walks down from the root: root, TLD, authoritative, in this order.
    const asks = (tier: string, server: string) => steps.find((s) => s.label.includes(`asks the ${tier} ${server} `) && s.label.includes(` ${TYPED.hostname}`));
    const walk = [asks('root server', ROOT), asks('TLD server', TLD), asks('authoritative server', AUTHORITATIVE)];
    expect(walk.map((s) => s?.label)).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    expect(walk[0]!.index).toBeLessThan(walk[1]!.index);
    expect(walk[1]!.index).toBeLessThan(walk[2]!.index);
    expect(walk[0]!.first).toBe(rootQuery);
    // A step's frame button makes that frame the current one: the page's TLS handshake, then the root query.
    const tls = steps.find((s) => s.label.startsWith(`TLS, ${BROWSE.from}:`) && s.label.includes(`for ${TARGET.hostname}:`))!;
    expect(tls, `the TLS handshake for ${TARGET.hostname}`).toBeDefined();
    for (const [step, frame] of [[tls, tls.first!], [walk[0]!, rootQuery]] as const) {
      await story.getByRole('button', { name: `Go to frame ${frame}, the first of this step` }).click();
      await expect(toolbar(page).getByRole('status')).toHaveText(`Frame ${frame} of ${total}`);
      await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText(String(frame));
      await expect(items.nth(step.index)).toHaveAttribute('aria-current', 'step');
    }

    // Timing: the browser's requests and their statuses, as tshark sees them leave and reach the PC.
    await dialog.getByRole('tab', { name: 'Timing' }).click();
    const timing = dialog.getByRole('table', { name: 'Request timing' });
    const requests = timing.getByRole('rowgroup').nth(1).getByRole('row');
    // Requests as they leave the browsing device; answers to its address, each once (every link
    // is captured, and tshark reads a segment's copy on the next link as a retransmission).
    const sent = frames.filter((f) => / sending side (\S+) /.exec(f['frame.interface_description'])?.[1] === BROWSE.from && f['http.request.method']);
    const sentUrls = sent.map((f) => `${f['tls.record.content_type'] ? 'https' : 'http'}://${f['http.host']}${f['http.request.uri']}`);
    const answers = new Map(frames.filter((f) => f['ip.dst'] === sent[0]?.['ip.src'] && f['http.response.code']).map((f) => [`${f['tcp.stream']}:${f['tcp.seq']}`, f['http.response.code']]));
    const statuses = [...answers.values()];
    expect(sentUrls.length).toBeGreaterThan(0);
    await expect(requests).toHaveCount(sentUrls.length);
    // Each row: its URL (the name cell's accessible name; the cell shows a short name) and status.
    for (const [i, url] of sentUrls.entries()) {
      const cells = requests.nth(i).getByRole('cell');
      await expect(cells.first()).toHaveAccessibleName(url);
      await expect(cells.nth(1)).toHaveText(statuses[i]);
    }

    // Page: the HTML the web server serves, rendered in a sandbox without scripts.
    await dialog.getByRole('tab', { name: 'Page' }).click();
    const html = servedText(LAB, TARGET);
    const title = /<title>([^<]*)<\/title>/.exec(html)![1];
    const heading = /<h1>([^<]*)<\/h1>/.exec(html)![1];
    const frame = dialog.getByTitle(`Rendered page: ${title}`);
    // Sandboxed without scripts (so the test reads its document instead of running code in it).
    await expect(frame).toHaveAttribute('sandbox', '');
    const doc = await frame.getAttribute('srcdoc');
    expect(doc).toContain(`<h1>${heading}</h1>`);
    expect(doc).not.toMatch(/<script/i);
    await expect(dialog.getByRole('tree', { name: 'DOM tree' })).toContainText(heading);
    await page.screenshot({ path: testInfo.outputPath('journey-page.png') });
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  await test.step('the story in Korean', async () => {
    const language = page.getByRole('combobox', { name: 'Language' });
    await language.selectOption('ko');
    await page.getByRole('toolbar', { name: appKo.simulation.toolbar }).getByRole('button', { name: ko.open, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: ko.title });
    await expect(dialog.getByRole('tab', { name: ko.tabStory })).toHaveAttribute('aria-selected', 'true');
    // The root server's referral, told with the Korean sentence and the same facts.
    const qname = frames[rootQuery - 1]['dns.qry.name'];
    const resolver = recursiveResolver(LAB).name;
    const facts: Record<string, string> = { device: resolver, tier: ko.tiers.root, server: ROOT, name: qname, referral: qname.split('.').pop()! };
    const sentence = ko.sentences.dns.referral.replace(/\{(\w+)\}/g, (_, key: string) => facts[key] ?? `{${key}}`);
    const story = dialog.getByRole('list', { name: ko.story.list });
    await expect(story.getByRole('listitem', { name: `${ko.steps.dns}, ${resolver}: ${sentence}`, exact: true })).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await page.getByRole('combobox', { name: appKo.toolbar.language }).selectOption('en');
    await expect(language).toHaveValue('en');
  });

  await test.step('reset goes back before the first frame', async () => {
    const bar = toolbar(page);
    await bar.getByRole('button', { name: 'Reset' }).click();
    await expect(bar.getByRole('status')).toHaveText(`Ready: ${total} frames`);
    await expect(bar.getByRole('timer')).toHaveText('0.000000 s');
    await expect(page.getByTestId('frame-animation')).toHaveCount(0);
    await expect(bar.getByRole('button', { name: 'Step back' })).toBeDisabled();
    // The journey starts with the PC's DHCP Discover.
    await bar.getByRole('button', { name: 'Step forward' }).click();
    await expect(bar.getByRole('status')).toHaveText(`Frame 1 of ${total}`);
    await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText('1');
    expect(frames[0]['dhcp.option.dhcp']).toBe('1');
  });

  expect(consoleErrors).toEqual([]);
});
