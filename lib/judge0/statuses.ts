// Judge0's statuses (id and description), exactly as Judge0 CE 1.13 lists them at GET /statuses.

export const STATUSES = [
  { id: 1, description: 'In Queue' },
  { id: 2, description: 'Processing' },
  { id: 3, description: 'Accepted' },
  { id: 4, description: 'Wrong Answer' },
  { id: 5, description: 'Time Limit Exceeded' },
  { id: 6, description: 'Compilation Error' },
  { id: 7, description: 'Runtime Error (SIGSEGV)' },
  { id: 8, description: 'Runtime Error (SIGXFSZ)' },
  { id: 9, description: 'Runtime Error (SIGFPE)' },
  { id: 10, description: 'Runtime Error (SIGABRT)' },
  { id: 11, description: 'Runtime Error (NZEC)' },
  { id: 12, description: 'Runtime Error (Other)' },
  { id: 13, description: 'Internal Error' },
  { id: 14, description: 'Exec Format Error' },
] as const;

export type StatusId = (typeof STATUSES)[number]['id'];

export const IN_QUEUE = 1;
export const PROCESSING = 2;
export const ACCEPTED = 3;
export const WRONG_ANSWER = 4;
export const TIME_LIMIT_EXCEEDED = 5;
export const COMPILATION_ERROR = 6;
export const RUNTIME_ERROR_NZEC = 11;
export const RUNTIME_ERROR_OTHER = 12;
export const INTERNAL_ERROR = 13;

export function statusOf(id: number): { id: number; description: string } {
  const s = STATUSES.find((x) => x.id === id);
  return { id, description: s ? s.description : 'Unknown' };
}

/** The runtime error status of a program a signal ended, as Judge0 tells them apart. */
export function signalStatus(signal: number): number {
  switch (signal) {
    case 11:
      return 7;
    case 25:
      return 8;
    case 8:
      return 9;
    case 6:
      return 10;
    default:
      return RUNTIME_ERROR_OTHER;
  }
}
