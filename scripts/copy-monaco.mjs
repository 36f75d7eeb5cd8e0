// Monaco is served by our own app (never a CDN): copy its AMD build into public/ before a build.
import fs from 'node:fs';
import path from 'node:path';

// The package's exports map hides package.json, so find it through node_modules directly.
const root = path.join(process.cwd(), 'node_modules', 'monaco-editor');
const src = path.join(root, 'min', 'vs');
const dest = path.join(process.cwd(), 'public', 'monaco', 'vs');
const stamp = path.join(dest, '.version');
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === version) process.exit(0);
fs.rmSync(dest, { recursive: true, force: true });
fs.cpSync(src, dest, { recursive: true });
fs.writeFileSync(stamp, version);
console.log(`copied monaco-editor ${version} to public/monaco/vs`);
