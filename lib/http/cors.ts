// Cross-origin fetches work as in the seed: one allowed origin from the config (default "*").

export function corsHeaders(origin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type, X-Auth-Token',
    'Access-Control-Max-Age': '600',
    ...(origin === '*' ? {} : { Vary: 'Origin' }),
  };
}
