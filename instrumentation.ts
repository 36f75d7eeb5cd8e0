// Warms the sandbox pools when the server starts, so the first request finds containers ready.

export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const g = globalThis as { __webcompileRegistered?: boolean };
  if (g.__webcompileRegistered) return;
  g.__webcompileRegistered = true;
  const { serverSettings } = await import('./lib/server/runtime');
  // server.mjs reads where to listen and how to stop from here, after Next.js has prepared the app.
  (globalThis as Record<symbol, unknown>)[Symbol.for('webcompile.server')] = serverSettings();
}
