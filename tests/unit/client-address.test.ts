import { describe, expect, it } from 'vitest';
import { clientAddress } from '@/lib/http/client-address';

const h = (xff?: string) => new Headers(xff ? { 'x-forwarded-for': xff } : {});

describe('clientAddress', () => {
  it('uses the socket address unless a proxy is trusted', () => {
    expect(clientAddress(h('203.0.113.9'), false, '127.0.0.1')).toBe('127.0.0.1');
  });

  it('behind a trusted proxy, takes the entry the proxy added (the last), not what the client sent', () => {
    expect(clientAddress(h('1.2.3.4, 203.0.113.9'), true, '10.0.0.1')).toBe('203.0.113.9');
    expect(clientAddress(h('203.0.113.9'), true, '10.0.0.1')).toBe('203.0.113.9');
    expect(clientAddress(h(), true, '10.0.0.1')).toBe('10.0.0.1');
  });
});
