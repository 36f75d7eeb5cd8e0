// Serves the built Next.js app. A custom server for three reasons: the client's socket address (for
// throttling; Next.js does not expose it), a trusted place to set it, and a graceful shutdown that
// removes every sandbox container before the process exits.
import http from 'node:http';
import next from 'next';

// instrumentation.ts reads and checks the typed config (lib/config), starts the pools and hands
// over the port, the address and the shutdown grace through this. Next.js starts it while the app
// is prepared but does not wait for it, so this waits (a while: a first start imports a lot).
const HANDOVER_MS = 60_000;
let handOver;
const handedOver = new Promise((resolve) => (handOver = resolve));
globalThis[Symbol.for('webcompile.server')] = handOver;
const app = next({ dev: false });
const handle = app.getRequestHandler();
await app.prepare();
let timer;
const settings = await Promise.race([
  handedOver,
  new Promise((resolve) => {
    timer = setTimeout(
      () => resolve({ error: `instrumentation.ts did not start within ${HANDOVER_MS / 1000} s` }),
      HANDOVER_MS,
    );
  }),
]);
clearTimeout(timer);
if (settings.error) {
  console.error(`WebCompile cannot start: ${settings.error}`);
  process.exit(1);
}
const server = http.createServer((req, res) => {
  // Only this line may set it: anything the client sent under that name is dropped.
  req.headers['x-webcompile-peer'] = req.socket.remoteAddress ?? 'unknown';
  handle(req, res);
});
server.listen(settings.port, settings.host, () => {
  console.log(`WebCompile listening on http://localhost:${settings.port}`);
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  // Whatever happens (a hung engine), the process ends: the grace period plus a margin.
  setTimeout(() => process.exit(1), settings.shutdownGraceMs + 15000).unref();
  console.log(`${signal}: stopping; finishing running requests, then removing sandboxes`);
  server.close();
  try {
    await settings.shutdown(signal);
  } catch (e) {
    console.error('shutdown failed:', e);
  }
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
