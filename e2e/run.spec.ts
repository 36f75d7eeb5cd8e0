import { SUM_PROGRAM } from '../lib/core/languages';
import { expect, focusEditor, getCode, openPlayground, program, setCode, test } from './fixtures';

test('the default program runs and the output shows Sum: 499500', async ({ page }) => {
  await openPlayground(page);
  await expect(page.getByTestId('service-status')).toContainText('Ready');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('output')).toContainText('Sum: 499500');
  await expect(page.getByTestId('status')).toHaveText('Compiled and ran');
  // Timings the server measured are shown.
  await expect(page.getByRole('definition').first()).toHaveText(/\d+ ms/);
  await expect(page.getByTestId('output-panel')).toContainText('Compile');
});

test('Ctrl+Enter in the editor runs the code', async ({ page }) => {
  await openPlayground(page);
  const code = program('        Console.WriteLine("from the keyboard");');
  await setCode(page, code);
  await focusEditor(page);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('output')).toHaveText('from the keyboard\n');
  // Monaco's own Ctrl+Enter would have inserted a line; ours must not have.
  expect(await getCode(page)).toBe(code);
});

test('stdin round-trips: the program reads it and echoes it upper-cased', async ({ page }) => {
  await openPlayground(page);
  await setCode(page, program('        Console.Write(Console.In.ReadToEnd().ToUpperInvariant());'));
  const stdin = page.getByTestId('stdin');
  await stdin.fill('hello, stdin\nsecond line');
  // The shortcut works outside the editor too.
  await stdin.press('Control+Enter');
  await expect(page.getByTestId('output')).toHaveText('HELLO, STDIN\nSECOND LINE');
});

test('Cancel stops an endless run, and the next run works', async ({ page }) => {
  await openPlayground(page);
  await setCode(page, program('        while (true) { }'));
  const run = page.getByTestId('run-button');
  await run.click();
  await expect(run).toHaveText('Cancel');
  const aborted = page.waitForEvent('requestfailed', (r) => r.url().endsWith('/api/compile'));
  await run.click();
  expect((await aborted).failure()?.errorText).toContain('ERR_ABORTED');
  await expect(page.getByTestId('status')).toHaveText('Cancelled');
  await expect(run).toHaveText(/^Run/);

  await setCode(page, SUM_PROGRAM);
  await run.click();
  await expect(page.getByTestId('output')).toContainText('Sum: 499500');
});

test('a runtime error shows its status, exit code and stderr', async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId('example-select').selectOption('exception');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('status')).toHaveText(/^Runtime error \(exit code \d+\)$/);
  await expect(page.getByTestId('output')).toContainText('About to divide by zero...');
  await expect(page.getByTestId('error-text')).toContainText('DivideByZeroException');
});

test('an HTTP error shows the server’s ErrorString', async ({ page }) => {
  await openPlayground(page);
  await setCode(page, '   ');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('status')).toHaveText('Request failed (HTTP 400)');
  await expect(page.getByTestId('error-text')).toHaveText('field "code" is empty');
});

test('the examples menu loads a program and its stdin', async ({ page }) => {
  await openPlayground(page);
  const select = page.getByTestId('example-select');
  await select.selectOption('stdin');
  await expect(page.getByTestId('stdin')).toHaveValue('Ada Lovelace\nGrace Hopper\nAlan Turing\n');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('output')).toContainText('3: Hello, Alan Turing!\nRead 3 lines.');

  await select.selectOption('linq');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('output')).toContainText('Even squares: 4 16 36 64 100');
  // Loading an example is one undoable edit.
  await page.evaluate(() => window.__webcompileEditor!.trigger('test', 'undo', null));
  await expect.poll(() => page.evaluate(() => window.__webcompileEditor!.getValue())).toContain('Console.ReadLine()');
});

test('keyboard only: Tab reaches the controls with a visible focus ring, Enter runs', async ({ page }) => {
  await openPlayground(page);
  const order: string[] = [];
  for (let i = 0; i < 10 && order.at(-1) !== 'run-button'; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? ''));
  }
  expect(order).toEqual(['language-select', 'example-select', 'share-button', 'theme-toggle', 'run-button']);
  const outline = await page.getByTestId('run-button').evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).toBe('solid');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('output')).toContainText('Sum: 499500');
});

test('a refused run says why and when to retry (429 with Retry-After)', async ({ page }) => {
  // The real server throttles only when configured to; this answer has the same shape as its own.
  await page.route('**/api/compile', (route) =>
    route.fulfill({
      status: 429,
      headers: { 'Retry-After': '7' },
      contentType: 'application/json',
      body: JSON.stringify({ ErrorString: 'too many runs from 127.0.0.1; limit is 30 a minute' }),
    }),
  );
  await openPlayground(page);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('status')).toHaveText('Request failed (HTTP 429)');
  await expect(page.getByTestId('error-text')).toHaveText(
    'too many runs from 127.0.0.1; limit is 30 a minute\nTry again in 7 s.',
  );
});

test('the status line shows the service is ready, or the reason it is not', async ({ page }) => {
  await openPlayground(page);
  await expect(page.getByTestId('service-status')).toHaveText(/^Ready · \d+ sandbox(es)? warm$/);
  await page.route('**/api/health', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, ready: 0, reason: 'no sandbox ready yet' }),
    }),
  );
  // The next poll (every 5 s) picks it up.
  await expect(page.getByTestId('service-status')).toHaveText('Not ready: no sandbox ready yet');
});
