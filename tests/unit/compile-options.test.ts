// The compiler options a request may add: an allowlist per language, word by word.
import { describe, expect, it } from 'vitest';
import { checkCompileOptions, takesCompileOptions } from '@/lib/core/compile-options';

describe('checkCompileOptions', () => {
  it('takes optimisation, standards, warnings, defines and standard libraries for C and C++', () => {
    const words = ['-O3', '-std=c11', '-Wall', '-Wextra', '-DN=10', '-DDEBUG', '-lm', '-pthread', '-g'];
    expect(checkCompileOptions('c', words)).toEqual({ options: words, problem: null });
    expect(checkCompileOptions('cpp', ['-std=c++17', '-O0', '-fno-exceptions']).problem).toBeNull();
  });

  it('refuses every option that names a file, runs a program or is not on the list', () => {
    for (const word of [
      '-include',
      '@/etc/passwd',
      '-specs=x',
      '-fplugin=x.so',
      '-wrapper',
      '-o',
      '-I/',
      '-B/tmp',
      '-DX=$(id)',
      '--help',
    ]) {
      expect(checkCompileOptions('c', [word]), word).toEqual({
        options: null,
        problem: `option "${word}" is not allowed`,
      });
    }
  });

  it("joins rustc's two-word -C and --cfg into the one-word form", () => {
    expect(checkCompileOptions('rust', ['-C', 'opt-level=3', '--cfg', 'fast', '-O'])).toEqual({
      options: ['-Copt-level=3', '--cfg=fast', '-O'],
      problem: null,
    });
    expect(checkCompileOptions('rust', ['-C', 'link-arg=/etc/passwd']).problem).toBe(
      'option "-Clink-arg=/etc/passwd" is not allowed',
    );
  });

  it('takes none for languages without a list', () => {
    expect(takesCompileOptions('python')).toBe(false);
    expect(takesCompileOptions('java')).toBe(false);
    expect(checkCompileOptions('java', ['-g']).problem).toBe('option "-g" is not allowed');
  });
});
