import type { Page } from '@playwright/test';
import { expect, openPlayground, program, setCode, test } from './fixtures';

/** One look at the page: what the console holds (stream and text of each piece) and what Run says. */
const snapshot = (page: Page) =>
  page.evaluate(() => ({
    console: [...document.querySelectorAll<HTMLElement>('[data-testid="console-output"] .seg')].map((el) => [
      el.dataset.stream,
      el.textContent,
    ]),
    run: document.querySelector('[data-testid="run-button"]')?.textContent,
  }));

async function interactiveMode(page: Page) {
  const toggle = page.getByRole('switch', { name: 'Interactive' });
  await toggle.check();
  await expect(toggle).toBeChecked();
}

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

test('interactive: the program asks in the console and the typed answer reaches it', async ({ page }) => {
  await openPlayground(page);
  await interactiveMode(page);
  await expect(page.getByTestId('stdin')).toBeDisabled();
  await setCode(
    page,
    program(
      [
        '        Console.Write("What is your name? ");',
        '        var name = Console.ReadLine();',
        '        Console.WriteLine("Hello, " + name + "!");',
      ].join('\n'),
    ),
  );
  await page.getByTestId('run-button').click();
  const output = page.getByTestId('console-output');
  const input = page.getByRole('textbox', { name: 'Input to the program' });
  await expect(output).toHaveText('What is your name?');
  // Run hands the keyboard to the console.
  await expect(input).toBeFocused();
  await page.keyboard.type('Ada');
  await page.keyboard.press('Enter');

  await expect(output).toContainText('Hello, Ada!');
  await expect(page.getByTestId('status')).toHaveText('Compiled and ran');
  expect((await snapshot(page)).console).toEqual([
    ['stdout', 'What is your name? '],
    ['stdin', 'Ada\n'],
    ['stdout', 'Hello, Ada!\n'],
  ]);
  // The run is over: the input closes, the focus moves to the output, and the output is not repeated.
  await expect(input).toBeDisabled();
  await expect(output).toBeFocused();
  await expect(page.getByTestId('output')).toHaveCount(0);
  await expect(page.getByTestId('output-panel').getByText('Hello, Ada!')).toHaveCount(1);
});

test('interactive: Ctrl+D in the console ends the input', async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId('language-select').selectOption('python');
  await interactiveMode(page);
  await setCode(page, 'import sys\nprint(len(sys.stdin.readlines()), "lines")\n');
  await page.getByTestId('run-button').click();
  const input = page.getByTestId('console-input');
  await expect(input).toBeFocused();
  await input.fill('one');
  await input.press('Enter');
  await input.fill('two');
  await input.press('Enter');
  await input.press('Control+D');
  await expect(page.getByTestId('console-output')).toContainText('2 lines');
  await expect(page.getByTestId('status')).toHaveText('Compiled and ran');
  expect((await snapshot(page)).console).toEqual([
    ['stdin', 'one\ntwo\n'],
    ['stdout', '2 lines\n'],
  ]);
});

test('interactive: Cancel kills a program waiting for input, and the next normal run works', async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId('language-select').selectOption('python');
  await interactiveMode(page);
  await setCode(page, 'name = input("Waiting: ")\nprint("never", name)\n');
  const run = page.getByTestId('run-button');
  await run.click();
  await expect(page.getByTestId('console-output')).toHaveText('Waiting:');
  await expect(run).toHaveText('Cancel');
  await run.click();
  await expect(page.getByTestId('status')).toHaveText('Cancelled');
  await expect(page.getByTestId('console-input')).toBeDisabled();
  await expect(run).toHaveText(/^Run/);
  await expect(page.getByTestId('console-output')).not.toContainText('never');

  await page.getByRole('switch', { name: 'Interactive' }).uncheck();
  await setCode(page, 'print("after", 6 * 7)\n');
  await run.click();
  await expect(page.getByTestId('output')).toHaveText('after 42\n');
  await expect(page.getByTestId('status')).toHaveText('Compiled and ran');
});

test('the Interactive switch follows Run in the keyboard order and is remembered across a reload', async ({ page }) => {
  await openPlayground(page);
  const toggle = page.getByRole('switch', { name: 'Interactive' });
  await expect(toggle).not.toBeChecked();
  await expect(page.getByTestId('stdin')).toBeEnabled();
  await page.getByTestId('run-button').focus();
  await page.keyboard.press('Tab');
  await expect(toggle).toBeFocused();
  expect(await toggle.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await page.keyboard.press('Space');
  await expect(toggle).toBeChecked();
  await page.reload();
  await page.waitForFunction(() => Boolean(window.__webcompileEditor));
  await expect(toggle).toBeChecked();
  await expect(page.getByTestId('stdin')).toBeDisabled();
  await expect(page.getByTestId('output-panel')).toContainText('Interactive mode');

  await toggle.uncheck();
  await page.reload();
  await page.waitForFunction(() => Boolean(window.__webcompileEditor));
  await expect(toggle).not.toBeChecked();
  await expect(page.getByTestId('stdin')).toBeEnabled();
});

// The next ones answer for the server (page.route, page.routeWebSocket): exact protocol messages, and
// refusals the real server gives only under load.

const RESULT = {
  Output: 'got x\n',
  LatencyInMS: 12,
  ErrorString: '',
  Timeout: false,
  Status: 'ok',
  ExitCode: 0,
  Truncated: false,
  Diagnostics: [],
  QueueMS: 0,
  CompileMS: null,
  CompileCached: false,
  RunMS: 10,
  CpuTimeMS: 5,
  MemoryKB: 1024,
  Language: 'python',
};

test('the console speaks the connect protocol: init, each line, eof; the result ends the run', async ({ page }) => {
  const received: unknown[] = [];
  await page.routeWebSocket('**/api/connect', (ws) => {
    ws.onMessage((raw) => {
      const m = JSON.parse(String(raw));
      received.push(m);
      if (m.type === 'init') {
        ws.send(JSON.stringify({ type: 'runtime', language: 'python', version: '3.11.2' }));
        ws.send(JSON.stringify({ type: 'stage', stage: 'run' }));
        ws.send(JSON.stringify({ type: 'data', stream: 'stdout', data: '> ' }));
      } else if (m.type === 'eof') {
        ws.send(JSON.stringify({ type: 'data', stream: 'stdout', data: 'got x\n' }));
        ws.send(JSON.stringify({ type: 'data', stream: 'stderr', data: 'bye\n' }));
        ws.send(JSON.stringify({ type: 'exit', stage: 'run', code: 0, signal: null }));
        ws.send(JSON.stringify({ type: 'result', result: { ...RESULT, ErrorString: 'bye\n' } }));
        ws.close({ code: 4999, reason: 'Job Completed' });
      }
    });
  });
  await openPlayground(page);
  await page.getByTestId('language-select').selectOption('python');
  await interactiveMode(page);
  await setCode(page, 'print("got", input("> "))\n');
  await page.getByTestId('run-button').click();
  const output = page.getByTestId('console-output');
  await expect(output).toHaveText('>');
  await page.keyboard.type('x');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+D');
  await expect(page.getByTestId('status')).toHaveText('Compiled and ran');
  expect(received).toEqual([
    { type: 'init', language: 'python', version: '*', files: [{ content: 'print("got", input("> "))\n' }] },
    { type: 'data', stream: 'stdin', data: 'x\n' },
    { type: 'eof' },
  ]);
  expect((await snapshot(page)).console).toEqual([
    ['stdout', '> '],
    ['stdin', 'x\n'],
    ['stdout', 'got x\n'],
    ['stderr', 'bye\n'],
  ]);
  // stderr was in the console already: no second copy under it.
  await expect(page.getByTestId('error-text')).toHaveCount(0);
});

test('an interactive run the server turns down says why', async ({ page }) => {
  await page.routeWebSocket('**/api/connect', (ws) => {
    ws.onMessage((raw) => {
      if (JSON.parse(String(raw)).type !== 'init') return;
      ws.send(JSON.stringify({ type: 'error', message: 'too many runs from 127.0.0.1; limit is 30 a minute' }));
      ws.close({ code: 4002, reason: 'Notified Error' });
    });
  });
  await openPlayground(page);
  await interactiveMode(page);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('status')).toHaveText('Run refused');
  await expect(page.getByTestId('error-text')).toHaveText('too many runs from 127.0.0.1; limit is 30 a minute');
  await expect(page.getByTestId('console-input')).toBeDisabled();
  await expect(page.getByTestId('run-button')).toHaveText(/^Run/);
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
