// The Tests panel: test cases (stdin, expected output, arguments) sent in one JSON request by Run
// tests (never the WebSocket, even in Interactive mode), each with its verdict, and a failed one with
// the lines where its output and the expected one differ.
import type { Page, Request } from '@playwright/test';
import { expect, openPlayground, setCode, test } from './fixtures';

async function pickLanguage(page: Page, id: string) {
  await page.getByTestId('language-select').selectOption(id);
  await expect
    .poll(() => page.evaluate(() => window.monaco!.editor.getModels().map((m) => m.getLanguageId())))
    .toEqual([id]);
}

async function addTest(page: Page, t: { stdin?: string; expected?: string; args?: string }) {
  await page.getByTestId('add-test').click();
  const last = page.getByTestId('test-case').last();
  if (t.stdin !== undefined) await last.getByTestId('test-stdin').fill(t.stdin);
  if (t.expected !== undefined) await last.getByTestId('test-expected').fill(t.expected);
  if (t.args !== undefined) await last.getByTestId('test-args').fill(t.args);
}

const isCompile = (r: Request) => r.url().endsWith('/api/compile') && r.method() === 'POST';

test('one test passes, one fails with a diff of expected and actual; the run is one JSON POST', async ({ page }) => {
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await openPlayground(page);
  await pickLanguage(page, 'python');
  await setCode(page, 'n = int(input())\nprint(n * 2)\nprint("done")\n');
  // Tests do not take the WebSocket: a test has no one typing its input.
  await page.getByRole('switch', { name: 'Interactive' }).check();

  await addTest(page, { stdin: '2\n', expected: '4\ndone\n' });
  await addTest(page, { stdin: '3\n', expected: '7\ndone' });
  await expect(page.getByTestId('tests-panel').getByRole('heading')).toHaveText('Tests 2');

  const request = page.waitForRequest(isCompile);
  await page.getByTestId('run-tests').click();
  const sent = await request;
  expect(await sent.headerValue('accept')).toBe('application/json');
  expect(sent.postDataJSON()).toEqual({
    code: 'n = int(input())\nprint(n * 2)\nprint("done")\n',
    language: 'python',
    tests: [
      { stdin: '2\n', expectedOutput: '4\ndone\n' },
      { stdin: '3\n', expectedOutput: '7\ndone' },
    ],
  });

  await expect(page.getByTestId('status')).toHaveText('Wrong answer');
  const [first, second] = [page.getByTestId('test-case').nth(0), page.getByTestId('test-case').nth(1)];
  await expect(first.getByTestId('test-verdict')).toHaveText('Passed');
  await expect(first.getByTestId('test-output')).toHaveText('4\ndone\n');
  await expect(first.getByTestId('test-diff')).toHaveCount(0);
  await expect(second.getByTestId('test-verdict')).toHaveText('Failed: Wrong answer');
  await expect(second.getByTestId('test-diff').locator('.diff-line')).toHaveText(['− 7', '+ 6', '  done']);
  await expect(second.locator('del')).toHaveText('− 7');
  await expect(second.locator('ins')).toHaveText('+ 6');
  await expect(page.getByTestId('output-panel')).toContainText('1 of 2 tests passed');
  await expect(page.getByTestId('tests-overview').getByRole('listitem')).toHaveText([
    'Test 1: Passed',
    'Test 2: Failed: Wrong answer',
  ]);

  // The verdict is of the test as it ran: edited, it no longer claims anything.
  await second.getByTestId('test-expected').fill('6\ndone');
  await expect(second.getByTestId('test-verdict')).toHaveCount(0);
  await expect(second).toContainText('edited since it ran');
  await page.getByTestId('run-tests').click();
  await expect(page.getByTestId('status')).toHaveText('All 2 tests passed');
  await expect(page.getByTestId('test-verdict')).toHaveText(['Passed', 'Passed']);
  expect(sockets, 'no WebSocket opened').toEqual([]);
});

test("a test's own arguments, else the program's; a test without an expected output is run, not judged", async ({
  page,
}) => {
  await openPlayground(page);
  await pickLanguage(page, 'python');
  await setCode(page, 'import sys\nprint(" | ".join(sys.argv[1:]))\n');
  await page.getByTestId('args').fill('"program arg"');
  await addTest(page, { expected: 'program arg\n' });
  await addTest(page, { expected: 'own | two words\n', args: `own 'two words'` });
  await expect(page.getByTestId('test-case').nth(1).getByTestId('arg-word')).toHaveText(['own', 'two words']);
  await addTest(page, {});

  const request = page.waitForRequest(isCompile);
  await page.getByTestId('run-tests').click();
  expect((await request).postDataJSON().tests).toEqual([
    { stdin: '', args: ['program arg'], expectedOutput: 'program arg\n' },
    { stdin: '', args: ['own', 'two words'], expectedOutput: 'own | two words\n' },
    { stdin: '', args: ['program arg'] },
  ]);
  await expect(page.getByTestId('test-verdict')).toHaveText(['Passed', 'Passed', 'Ran']);
  await expect(page.getByTestId('test-case').nth(2).getByTestId('test-output')).toHaveText('program arg\n');
  await expect(page.getByTestId('status')).toHaveText('2 tests passed');
});

test('a compile error in a test run: no verdicts, the problems listed as for a run', async ({ page }) => {
  await openPlayground(page);
  await setCode(page, 'class P { static void Main() { int x = "a"; } }');
  await addTest(page, { stdin: '', expected: 'x' });
  await page.getByTestId('run-tests').click();
  await expect(page.getByTestId('status')).toHaveText('Compile error');
  await expect(page.getByTestId('test-verdict')).toHaveCount(0);
  await expect(page.getByTestId('diagnostics')).toContainText('CS0029');
});
