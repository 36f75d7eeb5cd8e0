// Adds up the JSON reports of vitest and Playwright into one closing line: "N passed, N failed",
// after a line per report (e.g. "integration-runsc: 68/70 passed", the gVisor pass).
import fs from 'node:fs';
import path from 'node:path';

let passed = 0;
let failed = 0;
let missing = 0;
const lines = [];
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    console.error(`missing report: ${file}`);
    missing++;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  let p;
  let f;
  if (r.stats && 'expected' in r.stats) {
    // Playwright
    p = r.stats.expected + (r.stats.flaky ?? 0);
    f = r.stats.unexpected;
  } else {
    // vitest (jest-compatible)
    p = r.numPassedTests;
    f = r.numFailedTests;
  }
  lines.push(`${path.basename(file, '.json')}: ${p}/${p + f} passed`);
  passed += p;
  failed += f;
}
console.log(`\n${lines.join('\n')}\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || missing > 0 || passed === 0 ? 1 : 0);
