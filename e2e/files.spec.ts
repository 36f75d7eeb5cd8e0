// Programs of several files: tabs above the editor (add, rename, delete; names checked as the API
// checks them), each file its own Monaco model, markers in the file the compiler names, the
// Arguments line split as a shell would, and share links and drafts that carry all of it.
import type { Page, Request } from '@playwright/test';
import { compressToEncodedURIComponent } from 'lz-string';
import { expect, getCode, openPlayground, setCode, test } from './fixtures';

const tab = (page: Page, name: string) =>
  page.getByRole('tab', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });

/** Every model Monaco holds: its path and highlighting, in the program's order. */
const models = (page: Page) =>
  page.evaluate(() => window.monaco!.editor.getModels().map((m) => [m.uri.path, m.getLanguageId()]));

/** The file the editor shows, by its model's path. */
const shownFile = (page: Page) => page.evaluate(() => window.__webcompileEditor!.getModel()?.uri.path);

async function pickLanguage(page: Page, id: string) {
  await page.getByTestId('language-select').selectOption(id);
  await expect.poll(async () => (await models(page)).map(([, language]) => language)).toEqual([id]);
}

/** Replaces the shown file's text as one undoable edit (setValue would clear its undo history). */
const edit = (page: Page, text: string) =>
  page.evaluate((t) => {
    const ed = window.__webcompileEditor!;
    ed.pushUndoStop();
    ed.executeEdits('test', [{ range: ed.getModel()!.getFullModelRange(), text: t }]);
    ed.pushUndoStop();
  }, text);
const undo = (page: Page) => page.evaluate(() => window.__webcompileEditor!.trigger('test', 'undo', null));

/** New file, named `name` (over the suggestion), then its text. */
async function addFile(page: Page, name: string, code: string) {
  await page.getByTestId('add-file').click();
  await page.getByTestId('file-name').fill(name);
  await page.getByTestId('file-name-ok').click();
  await expect(tab(page, name)).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => shownFile(page)).toBe(`/${name}`);
  await setCode(page, code);
}

/** The body of the next POST /api/compile, once the click that sends it has happened. */
async function sentBody(page: Page, send: () => Promise<void>): Promise<Record<string, unknown>> {
  const request = page.waitForRequest((r: Request) => r.url().endsWith('/api/compile') && r.method() === 'POST');
  await send();
  return (await request).postDataJSON();
}

test('a Python program of two files: main.py imports helper.py, and the run sends both', async ({ page }) => {
  await openPlayground(page);
  await pickLanguage(page, 'python');
  await setCode(page, 'import helper\nprint(helper.greet("files"))\n');
  await addFile(page, 'helper.py', 'def greet(who):\n    return "hello " + who\n');
  expect(await models(page)).toEqual([
    ['/main.py', 'python'],
    ['/helper.py', 'python'],
  ]);
  await expect(tab(page, 'main.py')).toHaveText('main.py · entry');

  const body = await sentBody(page, () => page.getByTestId('run-button').click());
  expect(body).toMatchObject({
    language: 'python',
    files: [
      { name: 'main.py', content: 'import helper\nprint(helper.greet("files"))\n' },
      { name: 'helper.py', content: 'def greet(who):\n    return "hello " + who\n' },
    ],
  });
  expect(body).not.toHaveProperty('code');
  await expect(page.getByTestId('output')).toHaveText('hello files\n');
});

test('tabs: names are checked in the page, rename and delete work, each file keeps its own undo', async ({ page }) => {
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/compile')) posts.push(r.url());
  });
  await openPlayground(page);
  await pickLanguage(page, 'python');
  const entry = await getCode(page);

  // New file offers a free name; a bad name is a message beside the tabs, and nothing is sent.
  await page.getByTestId('add-file').click();
  const name = page.getByTestId('file-name');
  await expect(name).toHaveValue('helper.py');
  await name.fill('my notes.txt');
  await name.press('Enter');
  await expect(page.getByTestId('file-name-problem')).toHaveText(
    'The name may hold only letters, digits, ".", "_", "-", and "/" between folders.',
  );
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await name.fill('main.py');
  await expect(page.getByTestId('file-name-problem')).toHaveText('There is already a file main.py.');
  await name.fill('../up.txt');
  await expect(page.getByTestId('file-name-problem')).toHaveText('The name has a ".." segment.');
  await name.fill('notes.txt');
  await name.press('Enter');
  await expect(tab(page, 'notes.txt')).toHaveAttribute('aria-selected', 'true');
  await setCode(page, 'first note');

  // Undo history is the file's own: undoing in main.py does not touch notes.txt, nor the reverse.
  await edit(page, 'second note');
  await tab(page, 'main.py').click();
  await edit(page, 'print("edited")');
  await tab(page, 'notes.txt').click();
  expect(await getCode(page)).toBe('second note');
  await tab(page, 'main.py').click();
  await undo(page);
  expect(await getCode(page)).toBe(entry);
  await tab(page, 'notes.txt').click();
  expect(await getCode(page)).toBe('second note');
  await undo(page);
  expect(await getCode(page)).toBe('first note');

  // Rename, from the keyboard: F2 on the tab; into a folder, and to plain text highlighting as CSV.
  await tab(page, 'notes.txt').click();
  await tab(page, 'notes.txt').press('F2');
  await expect(page.getByTestId('file-name')).toHaveValue('notes.txt');
  await page.getByTestId('file-name').fill('data/notes.csv');
  await page.getByTestId('file-name').press('Enter');
  await expect(tab(page, 'data/notes.csv')).toBeFocused();
  expect(await models(page)).toEqual([
    ['/main.py', 'python'],
    ['/data/notes.csv', 'plaintext'],
  ]);
  expect(await getCode(page)).toBe('first note');
  // Arrow keys move between tabs, as in any tab list.
  await page.keyboard.press('ArrowLeft');
  await expect(tab(page, 'main.py')).toBeFocused();
  await expect(tab(page, 'main.py')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('delete-file')).toBeDisabled(); // the entry stays

  await tab(page, 'data/notes.csv').click();
  await page.getByTestId('delete-file').click();
  await page.getByTestId('confirm-delete').click();
  await expect(page.getByTestId('file-tab')).toHaveText(['main.py']);
  expect(await models(page)).toEqual([['/main.py', 'python']]);
  await expect(tab(page, 'main.py')).toHaveAttribute('aria-selected', 'true');
  expect(posts, 'nothing was sent').toEqual([]);
});

test('a C program with a header: .h is highlighted as C and included by main.c', async ({ page }) => {
  await openPlayground(page);
  await pickLanguage(page, 'c');
  await setCode(
    page,
    '#include <stdio.h>\n#include "square.h"\n\nint main(void) {\n    printf("%d\\n", square(7));\n}\n',
  );
  await addFile(page, 'square.h', 'static inline int square(int x) { return x * x; }\n');
  expect(await models(page)).toEqual([
    ['/main.c', 'c'],
    ['/square.h', 'c'],
  ]);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('output')).toHaveText('49\n');
});

test("a compile error in the second file is a marker in that file's model, and its list entry opens that tab", async ({
  page,
}) => {
  await openPlayground(page);
  await setCode(page, 'class Program\n{\n    static void Main() { System.Console.WriteLine(Helper.Twice(2)); }\n}\n');
  // Line 3, column 39: the string where an int is due.
  await addFile(page, 'Helper.cs', 'static class Helper\n{\n    public static int Twice(int x) => "no";\n}\n');
  await tab(page, 'main.cs').click();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('status')).toHaveText('Compile error');

  const markers = () =>
    page.evaluate(() =>
      window.monaco!.editor.getModelMarkers({ owner: 'webcompile' }).map((m) => ({
        file: m.resource.path,
        line: m.startLineNumber,
        column: m.startColumn,
      })),
    );
  await expect.poll(markers).toEqual([{ file: '/Helper.cs', line: 3, column: 39 }]);

  const entry = page.getByTestId('diagnostics').getByRole('button');
  await expect(entry).toHaveCount(1);
  await expect(entry.getByTestId('diagnostic-file')).toHaveText('Helper.cs');
  await expect(entry).toContainText('Line 3, col 39');
  await entry.click();
  await expect(tab(page, 'Helper.cs')).toHaveAttribute('aria-selected', 'true');
  expect(await shownFile(page)).toBe('/Helper.cs');
  expect(await page.evaluate(() => window.__webcompileEditor!.getPosition()?.toJSON())).toEqual({
    lineNumber: 3,
    column: 39,
  });
  expect(await page.evaluate(() => window.__webcompileEditor!.hasTextFocus())).toBe(true);
});

test('arguments with spaces and quotes arrive intact, one word each, as the chips show', async ({ page }) => {
  await openPlayground(page);
  await pickLanguage(page, 'python');
  await setCode(page, 'import sys\nfor a in sys.argv[1:]:\n    print(repr(a))\n');
  const args = page.getByTestId('args');
  await args.fill(`plain "two words" 'single "quoted"' back\\ slash ""`);
  await expect(page.getByTestId('arg-word')).toHaveText([
    'plain',
    'two words',
    'single "quoted"',
    'back slash',
    '(empty)',
  ]);
  const body = await sentBody(page, () => page.getByTestId('run-button').click());
  expect(body.args).toEqual(['plain', 'two words', 'single "quoted"', 'back slash', '']);
  expect(body).toHaveProperty('code'); // one file: sent as code, as ever
  await expect(page.getByTestId('output')).toHaveText(`'plain'\n'two words'\n'single "quoted"'\n'back slash'\n''\n`);

  // A line that cannot be split is said at the field, and Run sends nothing.
  await args.fill('"open');
  await expect(page.getByTestId('args-problem')).toHaveText('a double quote (") is not closed');
  await expect(args).toHaveAttribute('aria-invalid', 'true');
  let sent = false;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/compile')) sent = true;
  });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('status')).toHaveText('Not sent');
  await expect(page.getByTestId('error-text')).toHaveText('Arguments: a double quote (") is not closed.');
  expect(sent).toBe(false);
});

test('an interactive run takes the files and the arguments too', async ({ page }) => {
  await openPlayground(page);
  await pickLanguage(page, 'python');
  await page.getByRole('switch', { name: 'Interactive' }).check();
  await setCode(page, 'import sys, helper\nprint(helper.X, sys.argv[1:], input("? "))\n');
  await addFile(page, 'helper.py', 'X = 42\n');
  await page.getByTestId('args').fill(`"a b" c`);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('console-output')).toHaveText('?');
  await page.keyboard.type('typed');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status')).toHaveText('Compiled and ran');
  await expect(page.getByTestId('console-output')).toContainText("42 ['a b', 'c'] typed");
});

test('a share link carries both files and the arguments, and runs the same in a new page', async ({
  page,
  context,
}) => {
  await openPlayground(page);
  await pickLanguage(page, 'python');
  await setCode(page, 'import sys, lib.util\nprint(lib.util.shout(sys.argv[1]))\n');
  await addFile(page, 'lib/util.py', 'def shout(s):\n    return s.upper() + "!"\n');
  await page.getByTestId('args').fill('"shared link"');
  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('share-link').inputValue();

  const other = await context.newPage();
  await openPlayground(other, link);
  await expect(other.getByTestId('file-tab')).toHaveText(['main.py · entry', 'lib/util.py']);
  expect(await getCode(other)).toBe('import sys, lib.util\nprint(lib.util.shout(sys.argv[1]))\n');
  await tab(other, 'lib/util.py').click();
  expect(await getCode(other)).toBe('def shout(s):\n    return s.upper() + "!"\n');
  await expect(other.getByTestId('args')).toHaveValue('"shared link"');
  await other.getByTestId('run-button').click();
  await expect(other.getByTestId('output')).toHaveText('SHARED LINK!\n');
});

test('a reload keeps every file, the arguments and the tests; a link of before (one file) still opens', async ({
  page,
  context,
}) => {
  await openPlayground(page);
  await pickLanguage(page, 'python');
  await addFile(page, 'helper.py', 'X = 1\n');
  await page.getByTestId('args').fill("a 'b c'");
  await page.getByTestId('add-test').click();
  await page.getByTestId('test-stdin').fill('in\n');
  await page.getByTestId('test-expected').fill('out\n');
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('webcompile:draft')))
    .toContain('"expectedOutput":"out\\n"');
  await page.reload();
  await page.waitForFunction(() => Boolean(window.__webcompileEditor));
  await expect(page.getByTestId('file-tab')).toHaveText(['main.py · entry', 'helper.py']);
  await expect(page.getByTestId('args')).toHaveValue("a 'b c'");
  await expect(page.getByTestId('test-stdin')).toHaveValue('in\n');
  await expect(page.getByTestId('test-expected')).toHaveValue('out\n');

  // Share links made before programs had several files hold `code`: the entry, alone.
  const old = { code: 'print("old")', stdin: '', language: 'python' };
  const other = await context.newPage();
  await openPlayground(other, '/#s=' + compressToEncodedURIComponent(JSON.stringify(old)));
  await expect(other.getByTestId('file-tab')).toHaveText(['main.py']);
  expect(await getCode(other)).toBe('print("old")');
  await other.getByTestId('run-button').click();
  await expect(other.getByTestId('output')).toHaveText('old\n');
});
