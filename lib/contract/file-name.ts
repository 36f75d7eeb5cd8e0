// A program's file names, as POST /api/compile takes them: plain relative paths. Shared by the server
// (lib/http/compile-request.ts) and the page (app/ui/file-names.ts), so both say the same.

/** The longest file name (a path, folders included). */
export const MAX_NAME_LENGTH = 255;

/** Why a file name is not a plain relative path (segments of letters, digits, ".", "_", "-"), or undefined. */
export function fileNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.startsWith('/')) return "is an absolute path; names are relative to the program's folder";
  if (/[^A-Za-z0-9._/-]/.test(name)) return 'may hold only letters, digits, ".", "_", "-", and "/" between folders';
  const segments = name.split('/');
  if (segments.includes('..')) return 'has a ".." segment';
  if (segments.includes('.')) return 'has a "." segment';
  if (segments.includes('')) return 'has an empty segment';
  // It would reach a compiler's command line as an option.
  if (name.startsWith('-')) return 'starts with "-"';
  return undefined;
}
