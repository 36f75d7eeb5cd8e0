#!/usr/bin/env node
// nginx in front of WebCompile instances, with active health checks that open-source nginx lacks:
// every second each instance's /api/health is asked; one that does not answer, or says it does not
// accept work (`accepting: false`: its engine is away or it is shutting down), is marked `down` in
// the upstream block and nginx reloads. While every instance is unhealthy, none is marked (nginx's
// own passive checks still skip one that refuses connections).
//   node scripts/lb.mjs --dir DIR --port PORT --upstream HOST:PORT [--upstream HOST:PORT ...]
// Runs until SIGTERM/SIGINT, then stops nginx. Prints "lb: ready" once nginx answers, and
// "lb: up=a,b" whenever the set of healthy instances changes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string' },
    upstream: { type: 'string', multiple: true },
    interval: { type: 'string', default: '1000' },
  },
});
if (!values.dir || !values.port || !values.upstream?.length) {
  console.error('usage: lb.mjs --dir DIR --port PORT --upstream HOST:PORT [--upstream ...] [--interval MS]');
  process.exit(2);
}
const dir = path.resolve(values.dir);
const upstreams = values.upstream;
const intervalMs = Number(values.interval);
fs.mkdirSync(dir, { recursive: true });
const conf = path.join(dir, 'nginx.conf');
const template = fs.readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8');

function render(healthy) {
  const anyHealthy = healthy.size > 0;
  const lines = upstreams.map(
    (u) => `    server ${u} max_fails=1 fail_timeout=2s${anyHealthy && !healthy.has(u) ? ' down' : ''};`,
  );
  return template.replaceAll('@DIR@', dir).replaceAll('@PORT@', values.port).replace('@UPSTREAMS@', lines.join('\n'));
}

let healthy = new Set(upstreams);
fs.writeFileSync(conf, render(healthy));
const nginx = spawn('bash', [path.join(root, 'scripts/services.sh'), 'nginx', conf], { stdio: 'inherit' });
nginx.on('exit', (code, signal) => {
  console.error(`lb: nginx exited (${signal ?? code})`);
  process.exit(1);
});

async function accepting(upstream) {
  try {
    const r = await fetch(`http://${upstream}/api/health`, { signal: AbortSignal.timeout(1000) });
    const body = await r.json();
    return body.accepting === true;
  } catch {
    return false;
  }
}

async function ready() {
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${values.port}/nginx-ready`, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function check() {
  const states = await Promise.all(upstreams.map(accepting));
  const now = new Set(upstreams.filter((_, i) => states[i]));
  if ([...now].join() === [...healthy].join()) return;
  healthy = now;
  fs.writeFileSync(conf, render(healthy));
  // A reload starts new workers with the new upstreams; requests under way finish on the old ones.
  const r = spawnSync('/usr/sbin/nginx', ['-c', conf, '-s', 'reload'], { stdio: 'inherit' });
  console.log(`lb: up=${[...healthy].join(',')}${r.status === 0 ? '' : ' (reload failed)'}`);
}

await ready();
console.log('lb: ready');
let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    stopping = true;
    nginx.removeAllListeners('exit');
    nginx.kill('SIGQUIT');
    nginx.on('exit', () => process.exit(0));
  });
}
while (!stopping) {
  await check();
  await new Promise((r) => setTimeout(r, intervalMs));
}
