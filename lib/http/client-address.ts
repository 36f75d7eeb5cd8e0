// Who is asking, for throttling. X-Forwarded-For is believed only when the config says a proxy
// in front of us sets it; otherwise anyone could pick their own bucket. Even then only its last
// entry counts: that is the one our proxy added; anything before it came from the client.

export function clientAddress(headers: Headers, trustProxy: boolean, socketAddress?: string): string {
  if (trustProxy) {
    const forwarded = headers.get('x-forwarded-for');
    if (forwarded) {
      const last = forwarded.split(',').at(-1)?.trim();
      if (last) return last;
    }
    const real = headers.get('x-real-ip')?.trim();
    if (real) return real;
  }
  return socketAddress || 'unknown';
}
