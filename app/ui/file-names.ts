// The page checks a file's name as POST /api/compile will (lib/http/compile-request.ts, whose rules
// tests/unit/ui-files.test.ts holds this copy to), so a bad name is a message beside the tabs, not a
// request that fails.

export const MAX_NAME_LENGTH = 255;

/** Why a name is not a plain relative path (segments of letters, digits, ".", "_", "-"), or undefined. */
export function fileNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.startsWith('/')) return "is an absolute path; names are relative to the program's folder";
  if (/[^A-Za-z0-9._/-]/.test(name)) return 'may hold only letters, digits, ".", "_", "-", and "/" between folders';
  const segments = name.split('/');
  if (segments.includes('..')) return 'has a ".." segment';
  if (segments.includes('.')) return 'has a "." segment';
  if (segments.includes('')) return 'has an empty segment';
  if (name.startsWith('-')) return 'starts with "-"';
  return undefined;
}

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
