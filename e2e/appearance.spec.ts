import { expect, openPlayground, test } from './fixtures';

test('Monaco is served by this app, not a CDN', async ({ page, requests, baseURL }) => {
  await openPlayground(page);
  // The auto fixture checks that nothing left the origin; this checks it saw Monaco load at all.
  expect(requests).toContain(`${baseURL}/monaco/vs/loader.js`);
  expect(requests).toContain(`${baseURL}/monaco/vs/editor/editor.main.js`);
});

test('the theme follows the system until toggled, and the choice persists', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openPlayground(page);
  const html = page.locator('html');
  const editor = page.locator('.monaco-editor').first();
  await expect(html).not.toHaveAttribute('data-theme');
  await expect(editor).toHaveClass(/vs-dark/);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(editor).not.toHaveClass(/vs-dark/);

  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAccessibleName('Switch to dark theme');
  await toggle.click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(editor).toHaveClass(/vs-dark/);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.waitForFunction(() => Boolean(window.__webcompileEditor));
  await expect(page.locator('.monaco-editor').first()).toHaveClass(/vs-dark/);
  // Back to the system's theme: nothing stored any more.
  await page.getByTestId('theme-toggle').click();
  await expect(html).not.toHaveAttribute('data-theme');
  expect(await page.evaluate(() => localStorage.getItem('webcompile:theme'))).toBeNull();
});

test('screenshots: light and dark after a run, and the stacked phone layout', async ({ page }, testInfo) => {
  // Saved next to the test's results and attached to the report.
  const snap = async (name: string, fullPage = false) => {
    const path = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ path, fullPage });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  };
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await openPlayground(page);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('output')).toContainText('Sum: 499500');
  await expect(page.getByTestId('service-status')).toContainText('Ready');
  await snap('light');

  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('.monaco-editor').first()).toHaveClass(/vs-dark/);
  await snap('dark');

  await page.getByTestId('example-select').selectOption('compile-error');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('diagnostics').getByRole('button')).toHaveCount(2);
  await snap('dark-compile-error');

  await page.setViewportSize({ width: 390, height: 844 });
  const editorBox = (await page.getByTestId('editor').boundingBox())!;
  const outputBox = (await page.getByRole('region', { name: 'Output', exact: true }).boundingBox())!;
  expect(outputBox.y, 'output below the editor').toBeGreaterThanOrEqual(editorBox.y + editorBox.height);
  expect(editorBox.width).toBeLessThanOrEqual(390);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(
    390,
  );
  await snap('phone-dark', true);
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('.monaco-editor').first()).not.toHaveClass(/vs-dark/);
  await snap('phone-light', true);
});
