// Base64 as Judge0 writes and reads it (Ruby's Base64.encode64 / decode64): the output has a
// newline after every 60 characters and one at the end; the input is read leniently, characters
// outside the alphabet (newlines above all) skipped, and never refused.

const LINE = 60;

export function encode64(bytes: Buffer): string {
  const flat = bytes.toString('base64');
  if (flat === '') return '';
  let out = '';
  for (let i = 0; i < flat.length; i += LINE) out += `${flat.slice(i, i + LINE)}\n`;
  return out;
}

export function encodeText(text: string): string {
  return encode64(Buffer.from(text, 'utf8'));
}

/** What Ruby's decode64 makes of `text`: the alphabet's characters only, up to the first padding. */
export function decode64(text: string): Buffer {
  const alphabet = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const pad = alphabet.indexOf('=');
  const data = pad < 0 ? alphabet : alphabet.slice(0, pad);
  // Node's decoder takes unpadded input; a lone trailing character (not a whole byte) is dropped, as Ruby does.
  return Buffer.from(data.length % 4 === 1 ? data.slice(0, -1) : data, 'base64');
}
