import { expect, test } from './fixtures';

test('the stats page shows the pool live and counts a run', async ({ page, request }) => {
  await page.goto('/stats');
  await expect(page.getByRole('heading', { name: 'WebCompile stats' })).toBeVisible();
  // every ready sandbox of the e2e server's pools (2 for C#, 1 each for Python, JavaScript and C) shows as idle
  await expect(page.getByTestId('stat-size')).toHaveText('5');
  await expect(page.getByTestId('stat-idle')).toHaveText('5');
  const r = await request.post('/api/compile', {
    data: { code: 'class P { static void Main() { System.Console.Write(1); } }' },
  });
  expect((await r.json()).Status).toBe('ok');
  // SWR polls: the answered run appears without a reload
  await expect(page.getByRole('region', { name: 'Latency' })).toContainText(/total\s*\d+ ms/);
  await expect(page.locator('dl').first()).toContainText('ok');
  await page.screenshot({ path: test.info().outputPath('stats.png') });
});

test('the stats page is readable in the dark theme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/stats');
  const heading = page.getByRole('heading', { name: 'WebCompile stats' });
  await expect(heading).toBeVisible();
  // light text on the dark page background
  const [text, bg] = await page.evaluate(() => [
    getComputedStyle(document.querySelector('.stats h1')!).color,
    getComputedStyle(document.body).backgroundColor,
  ]);
  const lum = (rgb: string) =>
    rgb
      .match(/\d+/g)!
      .slice(0, 3)
      .map(Number)
      .reduce((a, b) => a + b, 0) / 3;
  expect(lum(text) - lum(bg)).toBeGreaterThan(128);
  await page.screenshot({ path: test.info().outputPath('stats-dark.png') });
});
