/** One Docker stream frame, as the engine sends it (type 1 = stdout, 2 = stderr). */
export function frame(type: 1 | 2, text: string | Buffer): Buffer {
  const payload = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}
