import { expect, getCode, openPlayground, program, setCode, test } from './fixtures';

const markers = (page: import('@playwright/test').Page) =>
  page.evaluate(() =>
    window.monaco!.editor.getModelMarkers({ owner: 'webcompile' }).map((m) => ({
      line: m.startLineNumber,
      column: m.startColumn,
      severity: m.severity,
      message: m.message,
    })),
  );

test('a compile error is a squiggle on its line and a list entry that moves the cursor there', async ({ page }) => {
  await openPlayground(page);
  // Line 7, column 17 of the program.
  await setCode(page, program('        int x = "a";\n        Console.WriteLine(x);'));
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('status')).toHaveText('Compile error');

  await expect
    .poll(() => markers(page))
    .toEqual([
      {
        line: 7,
        column: 17,
        severity: 8 /* MarkerSeverity.Error */,
        message: "Cannot implicitly convert type `string' to `int'",
      },
    ]);
  await expect(page.locator('.squiggly-error')).toHaveCount(1);

  const entry = page.getByTestId('diagnostics').getByRole('button');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Line 7, col 17');
  await expect(entry).toContainText('CS0029');

  await page.evaluate(() => window.__webcompileEditor!.setPosition({ lineNumber: 1, column: 1 }));
  await entry.click();
  expect(await page.evaluate(() => window.__webcompileEditor!.getPosition()?.toJSON())).toEqual({
    lineNumber: 7,
    column: 17,
  });
  expect(await page.evaluate(() => window.__webcompileEditor!.hasTextFocus())).toBe(true);

  // Typing there edits the code and clears the now stale squiggle.
  await page.keyboard.type('0; // ');
  expect(await getCode(page)).toContain('int x = 0; // "a";');
  await expect.poll(() => markers(page)).toEqual([]);
  await expect(page.locator('.squiggly-error')).toHaveCount(0);
});

test('warnings are markers of warning severity and the program still runs', async ({ page }) => {
  await openPlayground(page);
  await setCode(page, program('        int unused = 1;\n        Console.WriteLine("ran");'));
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('output')).toHaveText('ran\n');
  await expect
    .poll(() => markers(page))
    .toEqual([
      {
        line: 7,
        column: 13,
        severity: 4 /* MarkerSeverity.Warning */,
        message: "The variable `unused' is assigned but its value is never used",
      },
    ]);
  await expect(page.getByTestId('diagnostics')).toContainText('warning');
});
