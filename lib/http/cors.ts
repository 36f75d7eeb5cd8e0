// Cross-origin fetches work as in the seed: one allowed origin from the config (default "*"), for
// the methods a front door serves (ours: POST).

export function corsHeaders(origin: string, methods = 'POST, OPTIONS'): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Allow-Headers': 'Content-Type, X-Auth-Token',
    'Access-Control-Max-Age': '600',
    ...(origin === '*' ? {} : { Vary: 'Origin' }),
  };
}
