// Simulation mode in the browser (serve mode): open the two-lans template, run its ping scenario,
// watch the frames fill the packet list, then step forward and back through them, checking the
// selected row, the frame's cause and pc1's ARP cache as it was at each frame.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

async function ready(page: Page): Promise<void> {
  await expect(page.locator('.app[data-ready="true"]')).toBeVisible();
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Packet list' });
const selectedRow = (page: Page) => grid(page).locator('[role=row][aria-selected=true]');
const arpCache = (page: Page) => page.getByRole('region', { name: 'ARP cache' });

test('runs the ping scenario, then steps forward and back through its frames', async ({ appPage: page, consoleErrors }, testInfo) => {
  await ready(page);
  await page.getByRole('button', { name: 'Two LANs and a router' }).click();
  await expect(page.getByRole('region', { name: 'Topology' })).toBeVisible();

  const toolbar = page.getByRole('toolbar', { name: 'Simulation' });
  await toolbar.getByRole('combobox', { name: 'Scenario' }).selectOption('ping');
  await toolbar.getByRole('combobox', { name: 'Speed' }).selectOption('4');
  await toolbar.getByRole('button', { name: 'Run' }).click();

  // The whole capture arrives in the inspector at once (33 frames for three pings with ARP).
  await expect(grid(page)).toHaveAttribute('aria-rowcount', '34');
  await expect(grid(page).getByRole('row').nth(1)).toBeVisible();
  // Playback moves the selection down the list and animates each frame on the canvas.
  await expect(selectedRow(page)).toBeVisible();
  await expect(page.getByTestId('frame-animation')).toBeVisible();
  await expect.poll(async () => Number(await page.getByTestId('frame-animation').getAttribute('data-frame'))).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: testInfo.outputPath('simulation-mid-run.png') });
  await toolbar.getByRole('button', { name: 'Pause' }).click();
  await expect(toolbar.getByRole('button', { name: 'Run' })).toBeEnabled();

  await toolbar.getByRole('button', { name: 'Reset' }).click();
  await expect(toolbar.getByRole('timer')).toHaveText('0.000000 s');
  await page.getByRole('combobox', { name: 'Device', exact: true }).selectOption('pc1');

  // Frame 1: pc1 asks who has the gateway's address; its ARP cache has no answer yet.
  const forward = toolbar.getByRole('button', { name: 'Step forward' });
  const back = toolbar.getByRole('button', { name: 'Step back' });
  await forward.click();
  await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText('1');
  await expect(selectedRow(page)).toContainText('Who has 192.0.2.1?');
  await expect(page.getByTestId('frame-cause')).not.toBeEmpty();
  await expect(page.getByText(/pc1 · as at frame 1/)).toBeVisible();
  await expect(arpCache(page)).not.toContainText('lladdr');

  // Frame 6: the reply has arrived and pc1 sends its first echo request.
  for (let i = 0; i < 5; i++) await forward.click();
  await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText('6');
  await expect(selectedRow(page)).toContainText('Echo (ping) request');
  await expect(page.getByText(/pc1 · as at frame 6/)).toBeVisible();
  await expect(arpCache(page)).toContainText(/192\.0\.2\.1 .*lladdr 02:00:00:00:01:01/);
  await expect(page.getByTestId('frame-animation')).toHaveAttribute('data-frame', '6');

  // Back to frame 2: the answer is not there again.
  for (let i = 0; i < 4; i++) await back.click();
  await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText('2');
  await expect(page.getByText(/pc1 · as at frame 2/)).toBeVisible();
  await expect(arpCache(page)).not.toContainText('lladdr');

  // The keyboard does the same: F10 forward, F9 back.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('F10');
  await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText('3');
  await page.keyboard.press('F9');
  await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText('2');

  expect(consoleErrors).toEqual([]);
});

test('one link as capture point shows only its frames', async ({ appPage: page, consoleErrors }) => {
  await ready(page);
  await page.getByRole('button', { name: 'Two LANs and a router' }).click();
  const toolbar = page.getByRole('toolbar', { name: 'Simulation' });
  await toolbar.getByRole('button', { name: 'Step forward' }).click();
  await expect(grid(page)).toHaveAttribute('aria-rowcount', '34');
  // L4 joins r1 and sw2: after the router's ARP exchange, three requests and three replies cross it.
  await toolbar.getByRole('combobox', { name: 'Capture point' }).selectOption({ label: 'Link L4: r1 eth1 ↔ sw2 p1' });
  await expect(grid(page)).toHaveAttribute('aria-rowcount', '9');
  await toolbar.getByRole('button', { name: 'Step forward' }).click();
  await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText('8');
  expect(consoleErrors).toEqual([]);
});

test('a lab that cannot run shows its errors with their positions', async ({ appPage: page }) => {
  await ready(page);
  await page.getByRole('button', { name: 'Two LANs and a router' }).click();
  // Delete pc1 on the canvas: the ping scenario still names it, so the engine refuses the lab.
  const at = await page.evaluate(() => {
    type Node = { data(k: string): string; renderedPosition(): { x: number; y: number } };
    const cy = (window as unknown as { __packetlabCy: { nodes(): Node[] } }).__packetlabCy;
    const node = cy.nodes().find((n) => String(n.data('label')).split('\n')[0] === 'pc1');
    if (!node) throw new Error('pc1 is not on the canvas');
    return node.renderedPosition();
  });
  await page.getByRole('region', { name: 'Topology' }).click({ position: at });
  await page.keyboard.press('Delete');
  const toolbar = page.getByRole('toolbar', { name: 'Simulation' });
  await toolbar.getByRole('combobox', { name: 'Scenario' }).selectOption('ping');
  await toolbar.getByRole('button', { name: 'Run' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'The lab cannot run' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('pc1');
  await expect(alert).toContainText(/line \d+:\d+/);
});

test('a quick action runs one ping on its own and prints its output', async ({ appPage: page, consoleErrors }) => {
  await ready(page);
  await page.getByRole('button', { name: 'Two LANs and a router' }).click();
  const toolbar = page.getByRole('toolbar', { name: 'Simulation' });
  await toolbar.getByRole('combobox', { name: 'Speed' }).selectOption('16');
  await toolbar.getByRole('button', { name: 'Action…' }).click();
  const form = page.getByRole('dialog', { name: 'Run one action on its own' });
  await form.getByRole('combobox', { name: 'Action' }).selectOption('ping');
  await form.getByRole('combobox', { name: 'From device' }).selectOption('pc3');
  await form.getByRole('textbox', { name: 'To (address or host name)' }).fill('198.51.100.20');
  await form.getByRole('button', { name: 'Run action' }).click();
  await expect(form).toBeHidden();
  await expect(toolbar.getByRole('combobox', { name: 'Scenario' })).toHaveValue('::quick-action::');
  // One echo request and reply with the ARP exchanges on both LANs.
  await expect.poll(async () => Number(await grid(page).getAttribute('aria-rowcount'))).toBeGreaterThan(8);
  const output = page.getByRole('log', { name: 'Output' });
  await expect(output).toContainText('PING 198.51.100.20', { timeout: 20_000 });
  await expect(output).toContainText('1 packets transmitted, 1 received', { timeout: 20_000 });
  expect(consoleErrors).toEqual([]);
});

test('a router running link-state routing shows how SPF derived each route', async ({ appPage: page, consoleErrors }, testInfo) => {
  await ready(page);
  await page.getByRole('button', { name: 'Three routers, link-state routing' }).click();
  const toolbar = page.getByRole('toolbar', { name: 'Simulation' });
  await toolbar.getByRole('combobox', { name: 'Scenario' }).selectOption('ping');
  await toolbar.getByRole('button', { name: 'Step forward' }).click();
  await expect(selectedRow(page).getByRole('gridcell').first()).toHaveText('1');
  await page.getByRole('combobox', { name: 'Device', exact: true }).selectOption('r1');
  const routes = page.getByRole('region', { name: 'Routing table' });
  await expect(routes).toContainText('proto');
  await routes.getByText('How SPF found it').click();
  await expect(routes.locator('.derivation').first()).toBeVisible();
  await expect(routes.locator('.derivation li').first()).not.toBeEmpty();
  await page.screenshot({ path: testInfo.outputPath('simulation-spf.png') });
  expect(consoleErrors).toEqual([]);
});
