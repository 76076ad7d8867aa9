// The capture inspector in serve mode: open a reference capture, filter, select, linked
// highlighting between the details tree and the bytes, keyboard navigation, stream views, export.
import { test, expect, MARK_ROLE } from './fixtures';
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CAPTURES = path.join(__dirname, 'fixtures-captures');

function tsharkCount(file: string, filter: string): number {
  const out = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter(Boolean).length;
}

async function openCapture(page: Page, name: string): Promise<void> {
  await page.getByLabel('Open capture…').setInputFiles(path.join(CAPTURES, name));
  await expect(page.getByRole('grid', { name: 'Packet list' }).getByRole('row').nth(1)).toBeVisible();
}

const selectedRow = (page: Page) => page.getByRole('grid', { name: 'Packet list' }).locator('[role=row][aria-selected=true]');

test('opens a capture, filters dns and links the details tree with the bytes', async ({ appPage: page, consoleErrors }) => {
  // DNS queries to port 53 (c-ares, answered by ICMP port unreachable) merged with an HTTP session.
  const file = path.join(CAPTURES, 'dns-http-merged.pcapng');
  await openCapture(page, 'dns-http-merged.pcapng');
  const grid = page.getByRole('grid', { name: 'Packet list' });
  await expect(grid.getByRole('row').nth(1).getByRole('gridcell').first()).toHaveText('1');
  await expect(page.getByText('24 frames')).toBeVisible();

  const filter = page.getByRole('textbox', { name: 'Display filter' });
  await filter.fill('dns.qry.name ==');
  await expect(filter).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert')).toBeVisible();
  await filter.fill('dns');
  await expect(filter).toHaveAttribute('aria-invalid', 'false');
  await filter.press('Enter');
  const expected = tsharkCount(file, 'dns');
  await expect(page.getByText(`Displayed: ${expected} of 24`)).toBeVisible();
  await expect(grid.getByRole('row').nth(1).getByRole('gridcell').nth(4)).toHaveText('DNS');

  // Select the first query (76 bytes): its DNS layer lights up bytes 42..75 of the frame.
  await grid.getByRole('row').nth(1).click();
  const tree = page.getByRole('tree', { name: 'Packet details' });
  const dnsItem = tree.getByRole('treeitem').filter({ hasText: /^Domain Name System/ });
  await expect(dnsItem).toBeVisible();
  await dnsItem.click();
  const bytes = page.getByRole('region', { name: 'Packet bytes' });
  // Read as assistive technology gets them: marked cells, and a status saying where they are.
  const lit = bytes.getByRole(MARK_ROLE);
  await expect(bytes.getByRole('status')).toHaveText(`${76 - 42} bytes at offset 42 highlighted`);
  await expect(lit.first()).toHaveAttribute('data-offset', '42');
  await expect(lit).toHaveCount(76 - 42);

  // A click on byte 34 (UDP source port) selects that field in the tree.
  await bytes.locator('.b[data-offset="34"]').click();
  await expect(tree.locator('[role=treeitem][aria-selected=true]')).toHaveText(/Source Port/);
  await expect(lit).toHaveCount(2);
  await expect(bytes.getByRole('status')).toHaveText('2 bytes at offset 34 highlighted');

  await page.screenshot({ path: path.join(os.tmpdir(), 'packetlab-inspector.png') });

  // Right-click → Apply as Filter, as in Wireshark.
  const selectedItem = tree.locator('[role=treeitem][aria-selected=true]');
  const port = (await selectedItem.textContent())!.match(/\d+/)![0];
  await selectedItem.click({ button: 'right' });
  await page.getByRole('menuitem', { name: /Apply as Filter/ }).click();
  await expect(filter).toHaveValue(`udp.srcport == ${port}`);
  await expect(page.getByText(`Displayed: ${tsharkCount(file, `udp.srcport == ${port}`)} of 24`)).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('keyboard navigation in the packet list and the details tree', async ({ appPage: page }) => {
  await openCapture(page, 'http-keepalive-3req.pcapng');
  const grid = page.getByRole('grid', { name: 'Packet list' });
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  await expect(selectedRow(page)).toHaveAttribute('aria-rowindex', '2');
  await page.keyboard.press('ArrowDown');
  await expect(selectedRow(page)).toHaveAttribute('aria-rowindex', '3');
  await page.keyboard.press('End');
  await expect(selectedRow(page)).toHaveAttribute('aria-rowindex', '15');
  await page.keyboard.press('Home');
  await expect(selectedRow(page)).toHaveAttribute('aria-rowindex', '2');
  await page.keyboard.press('Control+.');
  await expect(selectedRow(page)).toHaveAttribute('aria-rowindex', '3');
  await page.keyboard.press('Control+,');
  await expect(selectedRow(page)).toHaveAttribute('aria-rowindex', '2');
  await page.keyboard.press('Control+g');
  await page.getByRole('textbox', { name: 'Go to packet' }).fill('9');
  await page.keyboard.press('Enter');
  await expect(selectedRow(page)).toHaveAttribute('aria-rowindex', '10');
  await expect(grid).toBeFocused();
  await page.keyboard.press('Home');

  const tree = page.getByRole('tree', { name: 'Packet details' });
  await tree.focus();
  await page.keyboard.press('Home');
  const selected = tree.locator('[role=treeitem][aria-selected=true]');
  await expect(selected).toHaveText(/^Frame 1:/);
  await page.keyboard.press('ArrowDown');
  await expect(selected).toHaveText(/^Ethernet II/);
  await page.keyboard.press('ArrowRight');
  await expect(selected).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(selected).toHaveText(/^Destination/);
  await page.keyboard.press('ArrowLeft');
  await expect(selected).toHaveText(/^Ethernet II/);
  // Ctrl+Down in the details moves to the next packet; the Ethernet layer stays open, as in Wireshark.
  await page.keyboard.press('Control+ArrowDown');
  await expect(selectedRow(page)).toHaveAttribute('aria-rowindex', '3');
  await expect(tree.getByRole('treeitem').filter({ hasText: /^Destination/ }).first()).toBeVisible();

  // Sorting by Length: ascending, the header says so.
  await grid.getByRole('columnheader', { name: 'Length' }).click();
  await expect(grid.getByRole('columnheader', { name: 'Length' })).toHaveAttribute('aria-sort', 'ascending');
  await expect(grid.getByRole('row').nth(1).getByRole('gridcell').nth(5)).toHaveText('66');
});

test('follow TCP stream, flow graph and pcapng export', async ({ appPage: page }) => {
  await openCapture(page, 'http-keepalive-3req.pcapng');
  const grid = page.getByRole('grid', { name: 'Packet list' });
  await grid.getByRole('row').nth(4).click();
  await page.getByRole('button', { name: 'Follow TCP Stream' }).click();
  const follow = page.getByRole('dialog', { name: /Follow TCP Stream/ });
  await expect(follow.locator('pre.client').first()).toContainText('GET /');
  await expect(follow.locator('pre.server').first()).toContainText('HTTP/1.1 200');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Flow Graph' }).click();
  const flow = page.getByRole('dialog', { name: 'Flow Graph' });
  const flowRows = flow.getByRole('grid', { name: 'Flow Graph' }).getByRole('row', { name: /^Frame \d+, / });
  await expect(flowRows).toHaveCount(14);
  await flowRows.nth(6).click();
  await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText('7');
  await expect(flow.getByRole('row', { selected: true })).toHaveAccessibleName(/^Frame 7, /);
  await page.keyboard.press('Escape');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export as pcapng' }).click();
  const file = await download;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'packetlab-e2e-export-'));
  const out = path.join(dir, file.suggestedFilename());
  await file.saveAs(out);
  expect(file.suggestedFilename()).toBe('http-keepalive-3req.pcapng');
  const theirs = execFileSync('tshark', ['-r', path.join(CAPTURES, 'http-keepalive-3req.pcapng'), '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len'], { encoding: 'utf8' });
  const ours = execFileSync('tshark', ['-r', out, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len'], { encoding: 'utf8' });
  expect(ours).toBe(theirs);
  writeFileSync(path.join(dir, 'ok'), '');
});

test('a file that is not a capture is reported; files open from the input and by drag and drop', async ({ appPage: page }) => {
  await page.getByLabel('Open capture…').setInputFiles({ name: 'notes.pcap', mimeType: 'application/octet-stream', buffer: Buffer.from('definitely not a capture file') });
  await expect(page.getByText(/Could not open notes\.pcap/)).toBeVisible();
  await openCapture(page, 'dns-udp-queries.pcapng');
  await expect(page.getByText('34 frames')).toBeVisible();

  // Dropping a file on the packet list opens it too.
  const bytes = [...readFileSync(path.join(CAPTURES, 'http-keepalive-3req.pcapng'))];
  await page.evaluate((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'dropped.pcapng'));
    const target = document.querySelector('.packet-list')!;
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await expect(page.getByText('14 frames')).toBeVisible();
  await expect(page.getByText('dropped.pcapng')).toBeVisible();
});
