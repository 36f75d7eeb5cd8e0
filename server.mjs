// Serves the built Next.js app. A custom server for three reasons: the client's socket address (for
// throttling; Next.js does not expose it), a trusted place to set it, and a graceful shutdown that
// removes every sandbox container before the process exits.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import next from 'next';
import { WebSocketServer } from 'ws';

// instrumentation.ts reads and checks the typed config (lib/config), starts the pools and hands
// over the port, the address and the shutdown grace through this. Next.js starts it while the app
// is prepared but does not wait for it, so this waits (a while: a first start imports a lot).
const HANDOVER_MS = 60_000;
let handOver;
const handedOver = new Promise((resolve) => (handOver = resolve));
globalThis[Symbol.for('webcompile.server')] = handOver;
// Next.js adds an upgrade listener (its dev server's) to the server it is given, or else to the first
// request's, where it would end our WebSocket handshakes. In production it has no use for upgrades,
// so it is given one of its own that never has any.
const app = next({ dev: false, httpServer: new EventEmitter() });
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
// Interactive runs (lib/http/piston-connect.ts): Piston's path, and ours, which adds a `result` message.
const CONNECT_PATHS = new Map([
  ['/api/v2/connect', false],
  ['/api/connect', true],
]);
const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes });
server.on('upgrade', (req, socket, head) => {
  let withResult;
  try {
    withResult = CONNECT_PATHS.get(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  if (withResult === undefined || stopping) {
    socket.end(`HTTP/1.1 ${stopping ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\n\r\n`);
    return;
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const peer = req.socket.remoteAddress ?? 'unknown';
  wss.handleUpgrade(req, socket, head, (ws) => settings.connect(ws, { peer, headers, withResult }));
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
  // Open interactive runs end now (closing a socket kills its run); the sandboxes go with the rest.
  for (const ws of wss.clients) {
    ws.close(1001, 'server shutting down');
    // A client that never answers the close must not hold its sandbox through the grace period.
    setTimeout(() => ws.terminate(), 1000).unref();
  }
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
