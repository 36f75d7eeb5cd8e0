// The one way an unknown thrown value becomes text for a log line or a stats field.

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return e === null || e === undefined ? 'unknown error' : String(e);
}
