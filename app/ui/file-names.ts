// The page checks a file's name as POST /api/compile does (one rule: lib/contract/file-name.ts), so a bad
// name is a message beside the tabs, not a request that fails.

import { fileNameProblem } from '@/lib/contract/file-name';

export { fileNameProblem, MAX_NAME_LENGTH } from '@/lib/contract/file-name';

/** What is wrong with giving a file this name beside the program's `others`, in words for the page. */
export function newNameProblem(name: string, others: readonly string[]): string | undefined {
  const problem = fileNameProblem(name);
  if (problem) return `The name ${problem}.`;
  if (others.includes(name)) return `There is already a file ${name}.`;
  // The sandbox makes folders of a name's folders, so a folder cannot also be a file.
  const folder = others.find((o) => name.startsWith(o + '/'));
  if (folder) return `${folder} is a file, so it cannot be a folder too.`;
  const inside = others.find((o) => o.startsWith(name + '/'));
  if (inside) return `${name} is a folder (it holds ${inside}), so it cannot be a file too.`;
  return undefined;
}
