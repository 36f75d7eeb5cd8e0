// g++ uses a precompiled header only when it was made with the compile's own flags, and silently
// parses the header again otherwise: the image's flags and the compile's must stay the same.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { commandsFor, CXX_FLAGS, LANGUAGES } from '@/lib/core/languages';

it("precompiles the C++ standard headers with the C++ compile's own flags", () => {
  const dockerfile = fs.readFileSync(path.resolve(__dirname, '../../images/cpp/Dockerfile'), 'utf8');
  expect(/F='([^']*)'/.exec(dockerfile)?.[1]).toBe(CXX_FLAGS.join(' '));
  for (const paths of [['main.cpp'], ['main.cpp', 'a.cc', 'b.cxx', 'a.h', 'b.hpp']]) {
    expect(commandsFor(LANGUAGES.cpp, paths).compile!.slice(1, 1 + CXX_FLAGS.length)).toEqual(CXX_FLAGS);
  }
});
