// Warms the sandbox pools when the server starts, so the first request finds containers ready.

export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const g = globalThis as { __webcompileRegistered?: boolean };
  if (g.__webcompileRegistered) return;
  g.__webcompileRegistered = true;
  const { serverSettings } = await import('./lib/server/runtime');
  const { handleConnect } = await import('./lib/http/piston-connect');
  // The WebSocket front door: server.mjs takes the upgrade and hands the socket here.
  const settings = { ...serverSettings(), connect: handleConnect };
  // server.mjs waits for where to listen and how to stop (Next.js does not await this function);
  // under `next dev` nobody waits, and the pools start all the same.
  const handOver = (globalThis as Record<symbol, unknown>)[Symbol.for('webcompile.server')];
  if (typeof handOver === 'function') handOver(settings);
}
