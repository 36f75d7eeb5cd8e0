// Builds what a sandbox agent sends (lib/core/agent-protocol.ts), for the parser's tests.

export function frame(type: string, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

export interface ReportFields {
  exit?: number;
  signal?: number;
  wallUs?: number;
  userUs?: number;
  sysUs?: number;
  maxRssKb?: number;
  oomKills?: number;
  pidsHits?: number;
}

export function report(nonce: string, f: ReportFields): string {
  const kind = f.signal !== undefined ? `signal ${f.signal}` : `exit ${f.exit ?? 0}`;
  return [
    nonce,
    kind,
    f.wallUs ?? 1000,
    f.userUs ?? 80_000,
    f.sysUs ?? 20_000,
    f.maxRssKb ?? 30000,
    f.oomKills ?? 0,
    f.pidsHits ?? 0,
  ].join(' ');
}
