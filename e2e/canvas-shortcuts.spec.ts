// Canvas editing from the keyboard and the app's appearance controls: copy and paste, delete,
// undo and redo, rename in place, link up/down, language and theme switches.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

async function ready(page: Page): Promise<void> {
  await expect(page.locator('.app[data-ready="true"]')).toBeVisible();
}

const status = (page: Page, text: string) => page.locator('.status-bar').getByText(text, { exact: true });

test('copy, paste, delete, undo and rename with the keyboard', async ({ appPage: page, consoleErrors }) => {
  await ready(page);
  const canvas = page.getByRole('region', { name: 'Topology' });
  await page.getByRole('button', { name: 'Router', exact: true }).dragTo(canvas, { targetPosition: { x: 120, y: 120 } });
  await expect(status(page, '1 device')).toBeVisible();
  await canvas.click({ position: { x: 120, y: 120 } });
  await page.keyboard.press('Control+C');
  await page.keyboard.press('Control+V');
  await expect(status(page, '2 devices')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('R1-copy');
  await page.keyboard.press('Delete');
  await expect(status(page, '1 device')).toBeVisible();
  await page.keyboard.press('Control+Z');
  await expect(status(page, '2 devices')).toBeVisible();
  await page.keyboard.press('Control+Shift+Z');
  await expect(status(page, '1 device')).toBeVisible();

  // F2 renames in place; a name that breaks the rules is refused with a reason.
  await canvas.click({ position: { x: 120, y: 120 } });
  await page.keyboard.press('F2');
  const rename = page.getByRole('textbox', { name: 'Rename' });
  await rename.fill('core 1');
  await rename.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Names use letters' })).toBeVisible();
  await rename.fill('core1');
  await rename.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('core1');
  expect(consoleErrors).toEqual([]);
});

test('take a link down and change its latency in the inspector', async ({ appPage: page }) => {
  await ready(page);
  const canvas = page.getByRole('region', { name: 'Topology' });
  const box = (await canvas.boundingBox())!;
  await page.getByRole('button', { name: 'Host', exact: true }).dragTo(canvas, { targetPosition: { x: 100, y: 100 } });
  await page.getByRole('button', { name: 'Switch', exact: true }).dragTo(canvas, { targetPosition: { x: 400, y: 100 } });
  await canvas.focus();
  await page.keyboard.press('c');
  await page.mouse.move(box.x + 100, box.y + 100);
  await page.mouse.down();
  await page.mouse.move(box.x + 400, box.y + 100, { steps: 6 });
  await page.mouse.up();
  await page.getByRole('dialog').getByRole('button', { name: 'Connect' }).click();
  // The new link is selected: the inspector shows it.
  await expect(page.getByText('PC1 eth0 ↔ SW1 eth0')).toBeVisible();
  await page.getByRole('spinbutton', { name: 'Latency (ms)' }).fill('25');
  await page.getByRole('spinbutton', { name: 'Latency (ms)' }).press('Enter');
  await page.getByRole('radio', { name: 'Down' }).click();
  await expect(page.getByRole('radio', { name: 'Down' })).toHaveAttribute('aria-checked', 'true');
  const edge = await page.evaluate(() => {
    const e = (window as unknown as { __packetlabCy: { edges(): { data(k: string): unknown; hasClass(c: string): boolean }[] } }).__packetlabCy.edges()[0];
    return { label: e.data('label'), down: e.hasClass('down') };
  });
  expect(edge).toEqual({ label: '25 ms · down', down: true });

  // The link's context menu brings it back up.
  await canvas.click({ position: { x: 250, y: 100 }, button: 'right' });
  await page.getByRole('menu', { name: 'Canvas menu' }).getByRole('menuitem', { name: 'Bring link up' }).click();
  await expect(page.getByRole('radio', { name: 'Up' })).toHaveAttribute('aria-checked', 'true');
  // And a device's menu deletes it (with its link).
  await canvas.click({ position: { x: 100, y: 100 }, button: 'right' });
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await expect(page.locator('.status-bar').getByText('1 device', { exact: true })).toBeVisible();
  await expect(page.locator('.status-bar').getByText('0 links', { exact: true })).toBeVisible();
});

test('switch the language to Korean and the theme to dark', async ({ appPage: page }) => {
  await ready(page);
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await expect(page.getByRole('button', { name: '새 랩' })).toBeVisible();
  await expect(page.getByRole('region', { name: '토폴로지' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  const before = await page.locator('html').getAttribute('data-theme');
  await page.getByRole('button', { name: '밝은 테마와 어두운 테마 전환' }).click();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '');
  // Preferences survive a reload.
  await page.reload();
  await expect(page.getByRole('button', { name: '새 랩' })).toBeVisible();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '');
});
