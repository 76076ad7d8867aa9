// Building, editing, saving and recovering labs in the browser (serve mode), driven the way a user
// does it: palette drag and drop, the connect tool, the inspector, the table editors and dialogs.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

async function ready(page: Page): Promise<void> {
  await expect(page.locator('.app[data-ready="true"]')).toBeVisible();
}

/** Drags a palette item onto the canvas at (x, y) relative to the Topology region. */
async function dropDevice(page: Page, name: string, x: number, y: number): Promise<void> {
  await page.getByRole('button', { name, exact: true }).dragTo(page.getByRole('region', { name: 'Topology' }), { targetPosition: { x, y } });
}

/** Connect tool: press on one device, drag to the other, release, pick interfaces in the dialog. */
async function connect(page: Page, from: [number, number], to: [number, number], interfaces?: [string, string]): Promise<void> {
  const box = (await page.getByRole('region', { name: 'Topology' }).boundingBox())!;
  await page.getByRole('button', { name: 'Connect devices' }).click();
  await page.mouse.move(box.x + from[0], box.y + from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + (from[0] + to[0]) / 2, box.y + (from[1] + to[1]) / 2, { steps: 4 });
  await page.mouse.move(box.x + to[0], box.y + to[1], { steps: 4 });
  await page.mouse.up();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  if (interfaces) {
    await dialog.getByRole('combobox').nth(0).selectOption(interfaces[0]);
    await dialog.getByRole('combobox').nth(1).selectOption(interfaces[1]);
  }
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: 'Select and move' }).click();
}

/** Clicks a device on the canvas (select tool) so the inspector shows it. */
async function selectAt(page: Page, x: number, y: number): Promise<void> {
  await page.getByRole('region', { name: 'Topology' }).click({ position: { x, y } });
}

async function setAddress(page: Page, at: [number, number], iface: string, cidr: string): Promise<void> {
  await selectAt(page, ...at);
  const input = page.getByRole('textbox', { name: `${iface} IPv4 address / prefix` });
  await input.fill(cidr);
  await input.press('Enter');
}

async function saveAs(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+Shift+S');
  const dialog = page.getByRole('dialog', { name: 'Save lab' });
  await dialog.getByRole('textbox', { name: 'File name' }).fill(name);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
}

async function typeInTable(page: Page, region: string, text: string): Promise<void> {
  const editor = page.getByRole('region', { name: region }).locator('.monaco-editor');
  await expect(editor).toBeVisible();
  await editor.click();
  // Keys must reach Monaco, not the canvas (where Ctrl+A, Delete would select and delete devices).
  await expect.poll(() => editor.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
  await page.keyboard.press('Escape');
}

const PC1: [number, number] = [90, 120];
const SW1: [number, number] = [240, 120];
const R1: [number, number] = [400, 200];
const SW2: [number, number] = [560, 120];
const PC2: [number, number] = [710, 120];

test('build a two-LAN lab from scratch by drag and drop', async ({ appPage: page, app, consoleErrors }) => {
  await ready(page);
  await expect(page.getByText('Build your network')).toBeVisible();
  await dropDevice(page, 'Host', ...PC1);
  await dropDevice(page, 'Switch', ...SW1);
  await dropDevice(page, 'Router', ...R1);
  await dropDevice(page, 'Switch', ...SW2);
  await dropDevice(page, 'Host', ...PC2);
  await expect(page.getByText('Build your network')).toBeHidden();
  await expect(page.getByText('5 devices', { exact: true })).toBeVisible();

  await connect(page, PC1, SW1);
  await connect(page, SW1, R1, ['eth1', 'eth0']);
  await connect(page, R1, SW2, ['eth1', 'eth0']);
  await connect(page, SW2, PC2, ['eth1', 'eth0']);
  await expect(page.getByText('4 links', { exact: true })).toBeVisible();

  await setAddress(page, PC1, 'eth0', '192.168.1.10/24');
  await setAddress(page, R1, 'eth0', '192.168.1.1/24');
  await setAddress(page, R1, 'eth1', '192.168.2.1/24');
  await setAddress(page, PC2, 'eth0', '192.168.2.10/24');
  await selectAt(page, ...PC1);
  await typeInTable(page, 'Routing table', 'default via 192.168.1.1 dev eth0');
  await expect(page.getByRole('region', { name: 'Routing table' })).toContainText('No problems');

  // Undo and redo the last address edit from the toolbar.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('button', { name: 'Redo' }).click();

  await saveAs(page, 'two-lans');
  const file = path.join(app.labDir, 'two-lans.lab.json');
  await expect.poll(() => existsSync(file)).toBe(true);
  const lab = JSON.parse(readFileSync(file, 'utf8'));
  expect(lab.version).toBe(2);
  expect(lab.devices.map((d: { name: string; type: string }) => `${d.name}:${d.type}`).sort()).toEqual(['PC1:host', 'PC2:host', 'R1:router', 'SW1:switch', 'SW2:switch']);
  const ends = lab.links.map((l: { a: { device: string; interface: string }; b: { device: string; interface: string } }) => `${l.a.device}.${l.a.interface}-${l.b.device}.${l.b.interface}`);
  expect(ends.sort()).toEqual(['PC1.eth0-SW1.eth0', 'R1.eth1-SW2.eth0', 'SW1.eth1-R1.eth0', 'SW2.eth1-PC2.eth0']);
  const pc1 = lab.devices.find((d: { name: string }) => d.name === 'PC1');
  expect(pc1.interfaces[0].ipv4).toBe('192.168.1.10/24');
  expect(pc1.tables.routes).toBe('default via 192.168.1.1 dev eth0');
  const r1 = lab.devices.find((d: { name: string }) => d.name === 'R1');
  expect(r1.interfaces.slice(0, 2).map((i: { ipv4: string }) => i.ipv4)).toEqual(['192.168.1.1/24', '192.168.2.1/24']);
  expect(consoleErrors).toEqual([]);
});

test('type a route with a mistake, see the diagnostic, fix it', async ({ appPage: page, consoleErrors }) => {
  await ready(page);
  await page.getByRole('button', { name: 'Host', exact: true }).click();
  const routes = page.getByRole('region', { name: 'Routing table' });
  await typeInTable(page, 'Routing table', 'default via 192.168.1.300 dev eth0');
  await expect(routes.getByRole('list')).toContainText('192.168.1.300');
  await expect(routes).toContainText('1 problem');
  await expect(routes.locator('.squiggly-error')).toHaveCount(1);

  // Hover help explains the keyword.
  await routes.getByText('via', { exact: true }).hover();
  await expect(page.locator('.monaco-hover:visible').first()).toContainText('next-hop');

  await typeInTable(page, 'Routing table', 'default via 192.168.1.254 dev eth0');
  await expect(routes).toContainText('No problems');
  await expect(routes.getByRole('list')).toHaveCount(0);

  // Completion offers keywords, and after `dev` the device's interfaces.
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('10.0.0.0/8 me');
  await page.keyboard.press('Control+Space');
  await expect(page.locator('.suggest-widget')).toContainText('metric');
  await page.keyboard.press('Escape');
  await page.keyboard.type('tric 5 dev ');
  await page.keyboard.press('Control+Space');
  await expect(page.locator('.suggest-widget')).toContainText('eth0');
  await page.keyboard.press('Enter');
  await expect(routes).toContainText('No problems');
  expect(consoleErrors).toEqual([]);
});

test('save, reload and reopen to an identical lab', async ({ appPage: page, app, consoleErrors }) => {
  await ready(page);
  await dropDevice(page, 'Host', ...PC1);
  await dropDevice(page, 'Router', ...R1);
  await connect(page, PC1, R1);
  await setAddress(page, PC1, 'eth0', '10.0.0.2/24');
  await page.getByRole('textbox', { name: 'Title' }).isVisible();
  await selectAt(page, 600, 400);
  await page.getByRole('textbox', { name: 'Title' }).fill('Reopen me');
  await page.getByRole('textbox', { name: 'Title' }).press('Enter');
  await saveAs(page, 'reopen');
  const file = path.join(app.labDir, 'reopen.lab.json');
  await expect.poll(() => existsSync(file)).toBe(true);
  const saved = readFileSync(file, 'utf8');
  await expect(page.getByText('All changes saved')).toBeVisible();

  await page.reload();
  await ready(page);
  await expect(page.getByText('Build your network')).toBeVisible();
  await page.getByRole('button', { name: 'Open lab' }).click();
  await page.getByRole('dialog', { name: 'Open a lab' }).getByRole('button', { name: /reopen\.lab\.json/ }).first().click();
  await expect(page.getByText('2 devices', { exact: true })).toBeVisible();
  await expect(page.getByText('Reopen me')).toBeVisible();

  // Saving the reopened lab under another name writes the same document.
  await saveAs(page, 'reopen-copy');
  const copy = path.join(app.labDir, 'reopen-copy.lab.json');
  await expect.poll(() => existsSync(copy)).toBe(true);
  expect(JSON.parse(readFileSync(copy, 'utf8'))).toEqual(JSON.parse(saved));
  expect(consoleErrors).toEqual([]);
});

test('stop the server in the middle of an edit and recover the autosave', async ({ appPage: page, app, browser }) => {
  await ready(page);
  await dropDevice(page, 'Host', ...PC1);
  await dropDevice(page, 'Router', ...R1);
  await setAddress(page, PC1, 'eth0', '172.16.0.5/16');
  await expect(page.getByText(/Autosaved/)).toBeVisible({ timeout: 15_000 });
  await app.stop();
  await expect(page.getByText(/Connection lost/)).toBeVisible();
  // Leaving a page with unsaved changes asks first.
  const asked = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.type()); void d.accept(); }));
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe('beforeunload');

  const url = await app.restart();
  const context = await browser.newContext();
  const again = await context.newPage();
  await again.goto(url);
  const dialog = again.getByRole('dialog', { name: 'Recover unsaved work?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Recover' }).click();
  await expect(again.getByText('2 devices', { exact: true })).toBeVisible();
  await expect(again.getByText('Unsaved changes').first()).toBeVisible();
  await again.getByRole('region', { name: 'Topology' }).click({ position: { x: PC1[0], y: PC1[1] } });
  await expect(again.getByRole('textbox', { name: 'eth0 IPv4 address / prefix' })).toHaveValue('172.16.0.5/16');
  await context.close();
});
