import { expect, getCode, openPlayground, setCode, test } from './fixtures';

const modelLanguage = (page: import('@playwright/test').Page) =>
  page.evaluate(() =>
    (window as unknown as { monaco: typeof import('monaco-editor') }).monaco.editor.getModels()[0].getLanguageId(),
  );

test('the language picker swaps highlighting and example, runs the language, and keeps each draft', async ({
  page,
}) => {
  await openPlayground(page);
  const picker = page.getByTestId('language-select');
  await expect(picker.locator('option')).toHaveCount(4); // the e2e server enables csharp, python, javascript, c
  await setCode(page, 'class P { static void Main() { System.Console.Write("my C#"); } }');

  await picker.selectOption('python');
  await expect.poll(() => getCode(page)).toContain('print(');
  expect(await modelLanguage(page)).toBe('python');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('output')).toContainText('Sum: 499500');

  await setCode(page, 'print("my python")');
  await picker.selectOption('csharp');
  await expect.poll(() => getCode(page)).toBe('class P { static void Main() { System.Console.Write("my C#"); } }');
  expect(await modelLanguage(page)).toBe('csharp');
  await picker.selectOption('python');
  await expect.poll(() => getCode(page)).toBe('print("my python")');
  // Its examples menu offers the language's own sum program, which brings it back.
  const examples = page.getByTestId('example-select').locator('option:not([disabled])');
  await expect(examples).toHaveText(['Python 3: sum example']);
  await page.getByTestId('example-select').selectOption('default');
  await expect.poll(() => getCode(page)).not.toBe('print("my python")');
  expect(await getCode(page)).toContain('Sum: ');
});

test('a share link carries the language', async ({ page, context }) => {
  await openPlayground(page);
  await page.getByTestId('language-select').selectOption('javascript');
  await setCode(page, 'console.log("shared " + 6 * 7);');
  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('share-link').inputValue();

  const other = await context.newPage();
  await openPlayground(other, link);
  await expect(other.getByTestId('language-select')).toHaveValue('javascript');
  expect(await modelLanguage(other)).toBe('javascript');
  await other.getByTestId('run-button').click();
  await expect(other.getByTestId('output')).toHaveText('shared 42\n');
});
