import { describe, expect, it } from 'vitest';
import { splitArgs } from '@/lib/contract/shell-words';

const words = (line: string) => splitArgs(line).words;

describe('splitArgs', () => {
  it('splits on runs of spaces and tabs, as a shell does', () => {
    expect(words('')).toEqual([]);
    expect(words('   ')).toEqual([]);
    expect(words('a  b\tc ')).toEqual(['a', 'b', 'c']);
  });

  it('keeps quoted words whole, in either quote', () => {
    expect(words(`"a b" 'c d' e`)).toEqual(['a b', 'c d', 'e']);
    expect(words(`"it's" 'say "hi"'`)).toEqual(["it's", 'say "hi"']);
  });

  it('joins the parts of one word: quoted and not', () => {
    expect(words(`--name="Ada Lovelace" x'y z'w`)).toEqual(['--name=Ada Lovelace', 'xy zw']);
    expect(words(`'it'\\''s'`)).toEqual(["it's"]);
  });

  it('makes an empty argument of empty quotes', () => {
    expect(words(`"" a ''`)).toEqual(['', 'a', '']);
  });

  it('escapes any character with a backslash outside quotes', () => {
    expect(words('a\\ b \\"c\\" \\\\ \\$HOME')).toEqual(['a b', '"c"', '\\', '$HOME']);
  });

  it('escapes only " \\ $ ` inside double quotes, and nothing inside single quotes', () => {
    expect(words('"a\\"b" "c\\\\d" "e\\nf"')).toEqual(['a"b', 'c\\d', 'e\\nf']);
    expect(words("'a\\b' 'c\\'")).toEqual(['a\\b', 'c\\']);
  });

  it('expands nothing: variables, globs and tildes arrive as typed', () => {
    expect(words('$HOME *.txt ~ a;b |c')).toEqual(['$HOME', '*.txt', '~', 'a;b', '|c']);
  });

  it('keeps newlines inside quotes, and a backslash-newline joins lines', () => {
    expect(words('"a\nb" c\\\nd')).toEqual(['a\nb', 'cd']);
  });

  it('says what is wrong with a line that cannot be split', () => {
    expect(splitArgs('"open')).toEqual({ words: null, error: 'a double quote (") is not closed' });
    expect(splitArgs("a 'open")).toEqual({ words: null, error: "a single quote (') is not closed" });
    expect(splitArgs('a\\').error).toMatch(/lone backslash/);
    expect(splitArgs('"a\\"').error).toMatch(/double quote/);
  });
});
