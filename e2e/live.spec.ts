import type { Page } from '@playwright/test';
import { expect, openPlayground, setCode, test } from './fixtures';

/** One look at the page: what the console holds (stream and text of each piece) and what Run says. */
const snapshot = (page: Page) =>
  page.evaluate(() => ({
    console: [...document.querySelectorAll<HTMLElement>('[data-testid="console-output"] .seg')].map((el) => [
      el.dataset.stream,
      el.textContent,
    ]),
    run: document.querySelector('[data-testid="run-button"]')?.textContent,
  }));

test('a run shows the output as the program writes it, stderr apart, then the result once', async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId('language-select').selectOption('python');
  await setCode(
    page,
    [
      'import sys, time',
      'print("first", flush=True)',
      'time.sleep(0.3)',
      'print("oops", file=sys.stderr, flush=True)',
      'time.sleep(3)',
      'print("second")',
      '',
    ].join('\n'),
  );
  await page.getByTestId('run-button').click();
  // Seen while the run still goes: the first line and the stderr one, in their order, not the last.
  await expect
    .poll(() => snapshot(page))
    .toEqual({
      console: [
        ['stdout', 'first\n'],
        ['stderr', 'oops\n'],
      ],
      run: 'Cancel',
    });
  await expect(page.getByTestId('status')).toHaveText(/^Running…/);

  await expect(page.getByTestId('status')).toHaveText('Compiled and ran');
  await expect(page.getByTestId('output')).toHaveText('first\nsecond\n');
  await expect(page.getByTestId('error-text')).toHaveText('oops\n');
  // The result replaces the live view: nothing is shown twice.
  await expect(page.getByTestId('console-output')).toHaveCount(0);
  await expect(page.getByTestId('output-panel').getByText('first')).toHaveCount(1);
});

test('a refusal after the stream began (an error event) is shown as the HTTP error it stands for', async ({ page }) => {
  const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  await page.route('**/api/compile', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/event-stream; charset=utf-8',
      body: [
        sse('queued', {}),
        sse('compile_started', {}),
        ': a comment line, which readers skip\n\n',
        sse('compile_finished', { exitCode: 0, ms: 80, cached: false, diagnostics: [] }),
        sse('error', {
          Status: 503,
          ErrorString: 'no sandbox became free in time',
          Reason: 'no_sandbox',
          RetryAfterS: 2,
        }),
      ].join(''),
    }),
  );
  await openPlayground(page);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('status')).toHaveText('Request failed (HTTP 503)');
  await expect(page.getByTestId('error-text')).toHaveText('no sandbox became free in time\nTry again in 2 s.');
});
