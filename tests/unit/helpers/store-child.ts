// A process for sqlite-store-crash.test.ts to kill: it works on a store file and prints each token
// only once the store call that concerns it has resolved, so every printed token is a promise the
// store made. Run with `node --import tsx store-child.ts <file> <mode> [n]`:
//   insert     inserts one new submission at a time, for ever (until killed)
//   claim <n>  claims n submissions, then idles (holding the store open) until killed
//   drain      prints `ready`, waits for a line on stdin, then claims (1 ms apart) until none is left
// It also exits when its stdin closes, so a test runner that dies does not leave it running.
import { randomUUID } from 'node:crypto';
import { SqliteSubmissionStore } from '@/lib/store/sqlite-store';

const [file, mode, n] = process.argv.slice(2);
const store = SqliteSubmissionStore.open(file);
const print = (line: string) => process.stdout.write(`${line}\n`);
/** The runner id its claims carry. */
const runner = `child-${process.pid}`;

let go: () => void = () => {};
const started = new Promise<void>((resolve) => (go = resolve));
process.stdin.setEncoding('utf8');
process.stdin.on('data', () => go());
process.stdin.on('end', () => process.exit(0));

async function main(): Promise<void> {
  if (mode === 'insert') {
    for (;;) {
      const token = randomUUID();
      await store.insert([{ token, client: 'child', request: '{}', createdAt: Date.now() }]);
      print(token);
    }
  } else if (mode === 'claim') {
    for (let i = 0; i < Number(n); i++) {
      const claimed = await store.claimNext(Date.now(), runner);
      if (!claimed) throw new Error('nothing left to claim');
      print(claimed.token);
    }
    // stdin keeps the process (and the store) open for the kill
  } else if (mode === 'drain') {
    print('ready');
    await started;
    for (let s = await store.claimNext(Date.now(), runner); s; s = await store.claimNext(Date.now(), runner)) {
      print(s.token);
      // A worker runs what it claimed before it claims again. Without that pause one process retakes
      // the write lock at once, every time, and the other's busy handler (which polls) never gets in.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await store.close();
    process.exit(0);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
