// Shared by every spec: an auto fixture that fails the test if anything the page loads comes from
// another origin (Monaco must be served by us, no CDN, no analytics), and helpers that drive the
// editor through the API the page exposes for tests.
import { test as base, expect, type Page, type Request } from '@playwright/test';

export { expect };

export const test = base.extend<{ requests: string[] }>({
  requests: [
    async ({ context, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const seen: string[] = [];
      // On the context, so pages opened during the test (and their workers) count too.
      const onRequest = (r: Request) => seen.push(r.url());
      // Uncaught exceptions and console errors (hydration mismatches, missing files) fail the test
      // too; only the browser's note about an API error answer, which the page shows, is expected.
      const problems: string[] = [];
      const onPage = (page: Page) => {
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
        page.on('console', (m) => {
          if (m.type() !== 'error') return;
          const apiAnswer =
            m.text().startsWith('Failed to load resource') && /\/api\/(compile|health)$/.test(m.location().url);
          if (!apiAnswer) problems.push(`console: ${m.text()} (${m.location().url})`);
        });
      };
      context.pages().forEach(onPage);
      context.on('page', onPage);
      context.on('request', onRequest);
      await use(seen);
      context.off('request', onRequest);
      context.off('page', onPage);
      const foreign = seen.filter(
        (u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin,
      );
      expect(foreign, 'requests that left the origin').toEqual([]);
      expect(problems, 'errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

/** Opens the page and waits until Monaco is up and the program is loaded into it. */
export async function openPlayground(page: Page, url = '/'): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => Boolean(window.__webcompileEditor));
  // The toolbar is enabled a render after the editor exists (and once the languages have come):
  // until then its disabled controls are out of the Tab order, and a test could race them.
  await expect(page.getByTestId('language-select')).toBeEnabled();
}

export async function setCode(page: Page, code: string): Promise<void> {
  await page.evaluate((c) => window.__webcompileEditor!.setValue(c), code);
}

export async function getCode(page: Page): Promise<string> {
  return page.evaluate(() => window.__webcompileEditor!.getValue());
}

/** Puts the keyboard focus in the editor, as a click into the code would. */
export async function focusEditor(page: Page): Promise<void> {
  await page.evaluate(() => window.__webcompileEditor!.focus());
}

export const program = (body: string) => `using System;

class Program
{
    static void Main()
    {
${body}
    }
}
`;
