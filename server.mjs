// Serves the built Next.js app. A custom server for three reasons: the client's socket address (for
// throttling; Next.js does not expose it), a trusted place to set it, and a graceful shutdown that
// removes every sandbox container before the process exits.
import http from 'node:http';
import next from 'next';

const port = Number(process.env.PORT || 8000);
const hostname = process.env.HOST || '0.0.0.0';
const app = next({ dev: false, hostname, port });
const handle = app.getRequestHandler();

await app.prepare();
const server = http.createServer((req, res) => {
  // Only this line may set it: anything the client sent under that name is dropped.
  req.headers['x-webcompile-peer'] = req.socket.remoteAddress ?? 'unknown';
  handle(req, res);
});
server.listen(port, hostname, () => {
  console.log(`WebCompile listening on http://localhost:${port}`);
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  // Whatever happens (a hung engine), the process ends: the grace period plus a margin.
  const grace = Number(process.env.WEBCOMPILE_SHUTDOWN_GRACE_MS || 10000);
  setTimeout(() => process.exit(1), grace + 15000).unref();
  console.log(`${signal}: stopping; finishing running requests, then removing sandboxes`);
  server.close();
  const shutdown = globalThis[Symbol.for('webcompile.shutdown')];
  try {
    if (typeof shutdown === 'function') await shutdown(signal);
  } catch (e) {
    console.error('shutdown failed:', e);
  }
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
