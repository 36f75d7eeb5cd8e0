// ESLint (flat config): `npm run lint`, and scripts/test.sh before the unit tests.
// typescript-eslint's recommended rules everywhere (syntax only: no type information, so the whole
// tree lints in seconds), the React hooks rules for the app, and Next's core-web-vitals rules (a
// superset of its recommended ones).
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Generated, copied or not JavaScript at all: build output, Monaco's copy in public/, test and bench
  // reports, run logs, the sandbox images' sources, the tests' fixtures (programs in every language).
  globalIgnores([
    '.next/',
    'node_modules/',
    'public/',
    'test-reports/',
    'test-results/',
    'playwright-report/',
    'bench-results/',
    'coverage/',
    'runs/',
    'images/',
    'tests/fixtures/',
    'next-env.d.ts',
  ]),

  tseslint.configs.recommended,

  {
    files: ['app/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },

  {
    extends: [nextPlugin.configs['core-web-vitals']],
  },
);
