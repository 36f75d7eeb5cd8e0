import { expect, getCode, openPlayground, program, setCode, test } from './fixtures';

test('a share link restores code and stdin in a new page, over what localStorage holds', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openPlayground(page);
  const shared = program('        Console.WriteLine("shared " + Console.ReadLine());');
  await setCode(page, shared);
  await page.getByTestId('stdin').fill('via a link');
  await page.getByTestId('share-button').click();

  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#s=/);
  expect(page.url()).toBe(link);
  await expect(page.getByText('Link copied to the clipboard')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  // The draft in localStorage now differs from the link; the link must win.
  await setCode(page, program('        // a later draft'));
  await expect.poll(() => page.evaluate(() => localStorage.getItem('webcompile:draft'))).toContain('a later draft');
  expect(page.url(), 'the fragment is dropped once the code no longer matches it').not.toContain('#');

  const other = await context.newPage();
  await openPlayground(other, link);
  expect(await getCode(other)).toBe(shared);
  await expect(other.getByTestId('stdin')).toHaveValue('via a link');
  await other.getByTestId('run-button').click();
  await expect(other.getByTestId('output')).toHaveText('shared via a link\n');
});

test('a reload keeps the code and stdin', async ({ page }) => {
  await openPlayground(page);
  const code = program('        Console.WriteLine("kept across a reload");');
  await setCode(page, code);
  await page.getByTestId('stdin').fill('kept stdin');
  await page.reload();
  await page.waitForFunction(() => Boolean(window.__webcompileEditor));
  expect(await getCode(page)).toBe(code);
  await expect(page.getByTestId('stdin')).toHaveValue('kept stdin');
});
