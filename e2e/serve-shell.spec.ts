// Serve mode serves the real app shell to a browser, and only to a browser holding the token.
import { test, expect } from './fixtures';

test('the app shell loads from serve mode without console errors', async ({ appPage, consoleErrors }) => {
  await expect(appPage).toHaveTitle(/PacketLab/);
  // The token was traded for a cookie and removed from the address bar.
  expect(appPage.url()).not.toContain('token=');
  await expect(appPage.locator('#app')).not.toBeEmpty();
  await appPage.waitForTimeout(500);
  expect(consoleErrors).toEqual([]);
});

test('a browser without the token is refused', async ({ app, browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(`http://127.0.0.1:${app.port}/`);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('token');
  await context.close();
});

test('a page on another origin cannot use the WebSocket', async ({ app, appPage }) => {
  // Even with the cookie in this browser, a request whose Origin is not PacketLab's is refused.
  const other = await appPage.context().newPage();
  await other.goto('about:blank');
  const outcome = await other.evaluate(
    (port) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    app.port,
  );
  expect(outcome).toBe('refused');
});
