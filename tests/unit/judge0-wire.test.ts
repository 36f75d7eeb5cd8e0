// Judge0's wire details: Ruby's base64 (60-column lines, a final newline, lenient reading), decimal
// strings, and the `fields` parameter.
import { describe, expect, it } from 'vitest';
import { decode64, encode64, encodeText } from '@/lib/judge0/base64';
import { decimalString, secondsString } from '@/lib/judge0/decimal';
import { ALL_FIELDS, chooseFields, DEFAULT_FIELDS } from '@/lib/judge0/fields';

describe("Judge0's base64", () => {
  it('encodes as Ruby encode64: a newline after every 60 characters and at the end', () => {
    expect(encodeText('hello, Judge0\n')).toBe('aGVsbG8sIEp1ZGdlMAo=\n');
    expect(encodeText('')).toBe('');
    const long = encode64(Buffer.alloc(100, 0xff));
    const lines = long.split('\n');
    expect(lines.map((l) => l.length)).toEqual([60, 60, 16, 0]);
  });

  it('round-trips non-ASCII text and binary bytes', () => {
    expect(decode64(encodeText('héllo ✓ 😀')).toString('utf8')).toBe('héllo ✓ 😀');
    const bytes = Buffer.from([0, 1, 0x80, 0xfe, 0xff, 10]);
    expect(decode64(encode64(bytes))).toEqual(bytes);
  });

  it('reads leniently: newlines and characters outside the alphabet are skipped, no padding needed', () => {
    expect(decode64('aGVs\nbG8s\r\nIEp1ZGdlMAo=\n').toString()).toBe('hello, Judge0\n');
    expect(decode64('aGVsbG8').toString()).toBe('hello');
    expect(decode64('a$G!V*s').toString()).toBe('hel');
    expect(decode64('').length).toBe(0);
  });
});

describe("Judge0's decimals", () => {
  it('writes whole numbers with one decimal and fractions plainly', () => {
    expect(decimalString(5)).toBe('5.0');
    expect(decimalString(0.5)).toBe('0.5');
    expect(decimalString(0.002)).toBe('0.002');
    expect(decimalString(15)).toBe('15.0');
    expect(secondsString(2)).toBe('0.002');
    expect(secondsString(1234.4)).toBe('1.234');
    expect(secondsString(10)).toBe('0.01');
    expect(secondsString(0)).toBe('0.0');
  });
});

describe("Judge0's fields parameter", () => {
  it('gives the eight defaults when absent or empty, in column order', () => {
    const expected = ['stdout', 'time', 'memory', 'stderr', 'token', 'compile_output', 'message', 'status'];
    expect(chooseFields(null).fields).toEqual(expected);
    expect(chooseFields('').fields).toEqual(expected);
    expect(DEFAULT_FIELDS).toEqual(expected);
  });

  it('takes * as all 35 fields', () => {
    expect(ALL_FIELDS).toHaveLength(35);
    expect(chooseFields('*').fields).toEqual([...ALL_FIELDS]);
    expect(chooseFields('stdout,*').fields).toEqual([...ALL_FIELDS]);
  });

  it('keeps the order of the columns, not of the request, and drops a trailing comma', () => {
    expect(chooseFields('status,stdout,token').fields).toEqual(['stdout', 'token', 'status']);
    expect(chooseFields('stdout,').fields).toEqual(['stdout']);
  });

  it('refuses unknown names, and does not trim: " stderr" is no field', () => {
    expect(chooseFields('stdout, stderr')).toEqual({ fields: null, invalid: [' stderr'] });
    expect(chooseFields('foo,stdout,bar')).toEqual({ fields: null, invalid: ['foo', 'bar'] });
    expect(chooseFields('*,foo')).toEqual({ fields: null, invalid: ['foo'] });
  });
});
