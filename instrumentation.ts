// Warms the sandbox pools when the server starts, so the first request finds containers ready.

export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const g = globalThis as { __webcompileRegistered?: boolean };
  if (g.__webcompileRegistered) return;
  g.__webcompileRegistered = true;
  const { getRuntime, shutdownRuntime } = await import('./lib/server/runtime');
  getRuntime();
  // server.mjs calls this on SIGTERM/SIGINT, after it stops accepting connections.
  (globalThis as Record<symbol, unknown>)[Symbol.for('webcompile.shutdown')] = shutdownRuntime;
}
