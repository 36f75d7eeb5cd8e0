// Serves the built Next.js app. A custom server for three reasons: the client's socket address (for
// throttling; Next.js does not expose it), a trusted place to set it, and a graceful shutdown that
// removes every sandbox container before the process exits.
import http from 'node:http';
import next from 'next';

const app = next({ dev: false });
const handle = app.getRequestHandler();

// Preparing runs instrumentation.ts, which reads and checks the typed config (lib/config) and
// starts the pools: the port, the address and the shutdown grace come from there.
await app.prepare();
const settings = globalThis[Symbol.for('webcompile.server')];
if (!settings || settings.error) {
  console.error(`WebCompile cannot start: ${settings?.error ?? 'instrumentation.ts did not run'}`);
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
