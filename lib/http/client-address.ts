// Who is asking, for throttling. X-Forwarded-For is believed only when the config says a proxy
// in front of us sets it; otherwise anyone could pick their own bucket.

export function clientAddress(headers: Headers, trustProxy: boolean, socketAddress?: string): string {
  if (trustProxy) {
    const forwarded = headers.get('x-forwarded-for');
    if (forwarded) {
      const first = forwarded.split(',')[0]?.trim();
      if (first) return first;
    }
    const real = headers.get('x-real-ip')?.trim();
    if (real) return real;
  }
  return socketAddress || 'unknown';
}
