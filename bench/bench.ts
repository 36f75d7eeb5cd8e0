// npm run bench: WebCompile side by side with the naive way and with the floor, in one run on one
// machine, against the real engine. Prints a table (and writes bench-results/latest.json).
//   (a) POST /api/compile of the seed's sum program: serial, and 8 in flight; unique code per
//       request (a nonce comment: nothing can be reused) and the same code repeated
//   (b) the naive way: one `docker run --rm` of the same image per request, 8 in flight
//   (c) the floor: compile and run by exec in one already running container, no HTTP, no churn
//   (d) the churn alone: one sandbox created, started, stopped and removed, no job
// Where the engine has gVisor (the runtime "runsc" that scripts/engine.sh registers), (a) unique
// serial and (d) are measured once more with the sandboxes in gVisor, each next to the default.
// Then the fairness benchmark (bench/fairness.ts; alone: npm run bench -- --fairness): one client
// floods, another's hello worlds are timed. Last, every language's hello world next to its floor
// (bench/languages.ts; alone: npm run bench -- --languages).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { DockerEngine } from '../lib/engine/docker-engine';
import { sandboxCreateOptions, type SandboxLimits } from '../lib/engine/sandbox-spec';
import { checkEngineVersion, readSeccompProfile } from '../lib/engine/seccomp';
import { loadConfig } from '../lib/config/config';
import type { PoolStats } from '../lib/pool/pool';
import { imageFor, LANGUAGES, limitsFor, MAIN_LANGUAGE, SUM_PROGRAM } from '../lib/core/languages';
import { SampleWindow } from '../lib/observability/samples';
import { spawnServer } from '../tests/integration/helpers/spawn-server';
import { fairness } from './fairness';
import { languagesBench } from './languages';
import { execWithInput } from './exec';
import { json, postCompile } from './post';
import { onTmpfs } from '../tests/integration/helpers/tmpfs';

const root = path.resolve(__dirname, '..');
// The service's own settings (image, socket, limits, seccomp profile): (b), (c) and (d) use them too.
const config = loadConfig();
const IMAGE = imageFor(config.imagePrefix, MAIN_LANGUAGE);
// Requests per row: more make a row less sensitive to this machine's noise (runs vary by ~10%).
const SERIAL = Number(process.env.BENCH_SERIAL || 60);
const PARALLEL_REQUESTS = Number(process.env.BENCH_PARALLEL || 96);
const NAIVE_REQUESTS = Number(process.env.BENCH_NAIVE || 48);
const IN_FLIGHT = 8;
/** Where the results go (the bench's own smoke test writes elsewhere). */
const OUT_DIR = path.resolve(root, process.env.BENCH_OUT || 'bench-results');
const engine = new DockerEngine(config.dockerSocket);
const docker = engine.docker;

const unique = () => `${SUM_PROGRAM}// ${Math.random().toString(36).slice(2)}${Date.now()}\n`;
const EXPECTED = 'Sum: 499500';

interface Row {
  name: string;
  n: number;
  p50: number;
  p95: number;
  rps: number;
  /** CPU time the whole machine spent per request (every process, the kernel too). */
  coreMs: number;
}

/**
 * Busy CPU time of the whole machine so far, in ms (from /proc/stat: user, nice, system, irq,
 * softirq). Not steal: time the hypervisor gave to someone else is no work of ours.
 */
function busyMs(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return ((f[0] + f[1] + f[2] + f[5] + f[6]) * 1000) / 100; // USER_HZ is 100 on Linux
}

async function measure(name: string, n: number, inFlight: number, one: () => Promise<void>): Promise<Row> {
  const lat = new SampleWindow(n);
  let next = 0;
  const cpu0 = busyMs();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        next++;
        const s = performance.now();
        await one();
        lat.add(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const row = {
    name,
    n,
    p50: lat.percentile(50)!,
    p95: lat.percentile(95)!,
    rps: n / secs,
    coreMs: (busyMs() - cpu0) / n,
  };
  console.error(
    `  ${name}: p50 ${row.p50.toFixed(0)} ms, p95 ${row.p95.toFixed(0)} ms, ${row.rps.toFixed(1)} req/s, ${row.coreMs.toFixed(0)} core-ms/req`,
  );
  return row;
}

/**
 * Waits (up to 10 s) until the machine is nearly idle: what the row before left to the kernel and
 * the engine (freeing namespaces, cgroups, mounts) is done before the next row starts.
 */
async function quiet(): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const busy0 = busyMs();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 250));
    if (busyMs() - busy0 < 0.1 * (performance.now() - t0) * os.cpus().length) return;
  }
  console.error('  (the machine did not quieten within 10 s; measuring anyway)');
}

/**
 * Waits until every pool is full again and nothing is being created or removed, then until the
 * machine is quiet, so that each row measures its own requests and not the replacements the row
 * before it left behind.
 */
async function settle(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const stats = await (await fetch(`${url}/api/stats`)).json();
    const pools = Object.values<PoolStats>(stats.pools);
    const compilers = Object.values<PoolStats>(stats.compilers);
    if (
      pools.every((p) => p.idle === p.size && p.starting === 0 && p.destroying === 0) &&
      compilers.every((c) => c.busy === 0 && c.starting === 0)
    ) {
      return quiet();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  console.error('  (the pools did not settle within 10 s; measuring anyway)');
}

const keepAlive = new http.Agent({ keepAlive: true });

async function viaApi(url: string, code: string): Promise<void> {
  const r = await postCompile(url, { code }, { agent: keepAlive });
  if (!String(json<{ Output: string }>(r).Output).startsWith(EXPECTED)) {
    throw new Error(`unexpected answer (HTTP ${r.status}): ${r.text}`);
  }
}

/** The same hardening as our sandboxes, through the CLI, as a naive service would do it. */
const hardening = (l: SandboxLimits) => [
  ...(l.seccompJson ? ['--security-opt', `seccomp=${config.seccompProfile}`] : []),
  '--network',
  'none',
  '--read-only',
  '--tmpfs',
  `/tmp:rw,exec,nosuid,size=${l.workTmpfsMb}m,uid=10001,gid=10001`,
  '--memory',
  `${l.memoryMb}m`,
  '--memory-swap',
  `${l.memoryMb}m`,
  '--cpus',
  String(l.cpus),
  '--pids-limit',
  String(l.pidsLimit),
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--user',
  '10001:10001',
];
// /work is a link into the /tmp tmpfs in our images.
const COMPILE_AND_RUN = 'mkdir -p /tmp/work && cd /work && cat > main.cs && mcs -out:main.exe main.cs && mono main.exe';

function naive(limits: SandboxLimits, code: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('docker', ['run', '--rm', '-i', ...hardening(limits), IMAGE, 'sh', '-c', COMPILE_AND_RUN], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.on('exit', () => (out.startsWith(EXPECTED) ? resolve() : reject(new Error(`naive run printed: ${out}`))));
    p.stdin.end(code);
  });
}

async function floor(container: Dockerode.Container, code: string): Promise<void> {
  const out = await execWithInput(container, COMPILE_AND_RUN, code);
  if (!out.includes(EXPECTED)) throw new Error(`floor run printed: ${out}`);
}

/** Where the engine keeps images and containers: "memory" (a tmpfs) or "disk" (see scripts/engine.sh). */
function engineStorage(dataRoot: string | undefined): string {
  try {
    return dataRoot ? (onTmpfs(dataRoot) ? 'memory' : 'disk') : 'unknown';
  } catch {
    return 'unknown'; // an engine on another machine
  }
}

/** gVisor's version and platform, from the wrapper the engine runs as "runsc" (see scripts/engine.sh). */
function gvisorVersion(wrapper: string): string {
  try {
    const version =
      /runsc version (\S+)/.exec(execFileSync(wrapper, ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
    const platform = /--platform=(\w+)/.exec(fs.readFileSync(wrapper, 'utf8'))?.[1] ?? 'default';
    return `runsc ${version}, ${platform}`;
  } catch {
    return 'unknown'; // an engine on another machine
  }
}

/** `--fairness`: only the fairness benchmark (bench/fairness.ts). */
async function fairnessOnly(): Promise<void> {
  const { rows, table } = await fairness();
  console.log(table);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(OUT_DIR, 'fairness.json'),
    JSON.stringify({ date: new Date().toISOString(), rows }, null, 2),
  );
  fs.writeFileSync(path.join(OUT_DIR, 'fairness.md'), `${table}\n`);
}

/** `--languages`: only the per-language table (bench/languages.ts). */
async function languagesOnly(): Promise<void> {
  const seccomp = checkEngineVersion(readSeccompProfile(config.seccompProfile), await engine.version());
  const result = await languagesBench(docker, config, seccomp.json, settle, quiet);
  console.log(result.table);
  writeLanguages(result);
}

function writeLanguages({ rows, table }: Awaited<ReturnType<typeof languagesBench>>): void {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(OUT_DIR, 'languages.json'),
    JSON.stringify({ date: new Date().toISOString(), rows }, null, 2),
  );
  fs.writeFileSync(path.join(OUT_DIR, 'languages.md'), `${table}\n`);
}

async function main() {
  if (process.argv.includes('--fairness')) return fairnessOnly();
  if (process.argv.includes('--languages')) return languagesOnly();
  const info = (await docker.info()) as {
    DefaultRuntime?: string;
    DockerRootDir?: string;
    Runtimes?: Record<string, { path: string }>;
  };
  const gvisorPath = info.Runtimes?.runsc?.path;
  const machine = {
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    engine: await engine.version(),
    seccomp: '',
    runtime: info.DefaultRuntime ?? 'unknown',
    storage: engineStorage(info.DockerRootDir),
    gvisor: gvisorPath ? gvisorVersion(gvisorPath) : 'none',
    date: new Date().toISOString(),
  };
  // The profile is checked against the engine as the server does it.
  const seccomp = checkEngineVersion(readSeccompProfile(config.seccompProfile), machine.engine);
  machine.seccomp = seccomp.source;
  const limits: SandboxLimits = { ...limitsFor(config, LANGUAGES[MAIN_LANGUAGE]), seccompJson: seccomp.json };
  const spec = sandboxCreateOptions(IMAGE, MAIN_LANGUAGE, limits, {
    instanceId: 'bench',
    hostname: os.hostname(),
    pid: process.pid,
  });
  console.error(`machine: ${JSON.stringify(machine)}`);
  const rows: Record<string, Row> = {};

  console.error('(a) WebCompile, POST /api/compile');
  const serverEnv = { WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '0', WEBCOMPILE_LOG_DIR: 'runs/bench' };
  const server = await spawnServer(serverEnv);
  try {
    for (let i = 0; i < 5; i++) await viaApi(server.url, unique()); // warm up
    const same = `${SUM_PROGRAM}// repeated\n`;
    await settle(server.url);
    rows.aUniqueSerial = await measure('(a) unique, serial', SERIAL, 1, () => viaApi(server.url, unique()));
    await settle(server.url);
    rows.aUnique8 = await measure('(a) unique, 8 in flight', PARALLEL_REQUESTS, IN_FLIGHT, () =>
      viaApi(server.url, unique()),
    );
    await viaApi(server.url, same); // the first of the repeated requests compiles; the rest find it cached
    await settle(server.url);
    rows.aSameSerial = await measure('(a) same code, serial', SERIAL, 1, () => viaApi(server.url, same));
    await settle(server.url);
    rows.aSame8 = await measure('(a) same code, 8 in flight', PARALLEL_REQUESTS, IN_FLIGHT, () =>
      viaApi(server.url, same),
    );
  } finally {
    await server.stop();
  }

  // gVisor's cost: the same service with its sandboxes in gVisor (its warm compilers stay as they
  // are), C# alone: the other languages' idle pools would only make it start slower.
  const gvisorRows: Record<string, Row> = {};
  if (gvisorPath) {
    console.error('(a) the same, sandboxes in gVisor (WEBCOMPILE_SANDBOX_RUNTIME=runsc)');
    const g = await spawnServer({
      ...serverEnv,
      WEBCOMPILE_LANGUAGES: MAIN_LANGUAGE,
      WEBCOMPILE_SANDBOX_RUNTIME: 'runsc',
    });
    try {
      for (let i = 0; i < 5; i++) await viaApi(g.url, unique());
      await settle(g.url);
      gvisorRows.aUniqueSerial = await measure('(a) unique, serial, gVisor', SERIAL, 1, () => viaApi(g.url, unique()));
    } finally {
      await g.stop();
    }
  } else {
    console.error('(the engine has no runtime "runsc": no gVisor rows)');
  }

  console.error('(b) naive: docker run --rm per request');
  await quiet();
  rows.b8 = await measure('(b) docker run --rm, 8 in flight', NAIVE_REQUESTS, IN_FLIGHT, () => naive(limits, unique()));

  console.error('(c) floor: exec in one running container');
  // The sandbox's own settings, kept running instead of running one job.
  const c = await docker.createContainer({ ...spec, Cmd: ['sleep', 'infinity'] });
  await c.start();
  try {
    for (let i = 0; i < 3; i++) await floor(c, unique());
    await quiet();
    rows.cSerial = await measure('(c) exec in a running container, serial', SERIAL, 1, () => floor(c, unique()));
  } finally {
    await c.remove({ force: true });
  }

  // What "a fresh container per run" costs by itself: our sandbox spec, no job, no HTTP.
  console.error('(d) churn: one sandbox container created, started, stopped and removed');
  const churnOf = async (options: Dockerode.ContainerCreateOptions) => {
    const id = await engine.createAndStart(options);
    try {
      await engine.kill(id);
      await engine.waitStopped(id);
    } finally {
      await engine.remove(id);
    }
  };
  const churn = () => churnOf(spec);
  await churn();
  await quiet();
  rows.dChurn = await measure('(d) container churn alone, serial', SERIAL, 1, churn);
  if (gvisorPath) {
    const gvisorSpec = sandboxCreateOptions(
      IMAGE,
      MAIN_LANGUAGE,
      { ...limits, runtime: 'runsc' },
      { instanceId: 'bench', hostname: os.hostname(), pid: process.pid },
    );
    const gvisorChurn = () => churnOf(gvisorSpec);
    await gvisorChurn();
    await quiet();
    gvisorRows.dChurn = await measure('(d) container churn alone, serial, gVisor', SERIAL, 1, gvisorChurn);
  }

  const ratios = {
    uniqueSerialVsFloor: rows.aUniqueSerial.p50 / rows.cSerial.p50,
    unique8ThroughputVsNaive: rows.aUnique8.rps / rows.b8.rps,
    sameSerialP50: rows.aSameSerial.p50,
  };
  // Each gVisor row right after the row it repeats, and what it costs against that row.
  const printed = Object.entries(rows).flatMap(([key, r]) => (gvisorRows[key] ? [r, gvisorRows[key]] : [r]));
  const gvisorCost = Object.entries(gvisorRows).map(([key, g]) => {
    const cpu = g.coreMs - rows[key].coreMs;
    return `${rows[key].name}: p50 ×${(g.p50 / rows[key].p50).toFixed(1)}, CPU ${cpu >= 0 ? '+' : '−'}${Math.abs(cpu).toFixed(0)} ms/req`;
  });
  const table = [
    `Machine: ${machine.cpus}, ${machine.memoryGiB} GiB, kernel ${machine.kernel}, Docker ${machine.engine} (runtime ${machine.runtime}, seccomp ${machine.seccomp}, storage ${machine.storage}), gVisor ${machine.gvisor}; ${machine.date}`,
    '',
    '| measurement | requests | p50 ms | p95 ms | req/s | CPU ms/req |',
    '|---|---:|---:|---:|---:|---:|',
    ...printed.map(
      (r) =>
        `| ${r.name} | ${r.n} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.rps.toFixed(1)} | ${r.coreMs.toFixed(0)} |`,
    ),
    ...(gvisorCost.length ? ['', `gVisor against the default: ${gvisorCost.join('; ')}.`] : []),
    '',
    '| target | value | goal | met |',
    '|---|---:|---:|:---:|',
    `| (a) unique serial p50 / (c) p50 | ${ratios.uniqueSerialVsFloor.toFixed(2)} | ≤ 1.25 | ${ratios.uniqueSerialVsFloor <= 1.25 ? 'yes' : 'no'} |`,
    `| (a) unique 8-in-flight req/s / (b) req/s | ${ratios.unique8ThroughputVsNaive.toFixed(2)} | ≥ 2 | ${ratios.unique8ThroughputVsNaive >= 2 ? 'yes' : 'no'} |`,
    `| (a) same code serial p50 | ${ratios.sameSerialP50.toFixed(0)} ms | ≤ 50 ms | ${ratios.sameSerialP50 <= 50 ? 'yes' : 'no'} |`,
  ].join('\n');
  console.log(table);
  await quiet();
  const fair = await fairness();
  console.log(`\n${fair.table}`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'fairness.md'), `${fair.table}\n`);
  fs.writeFileSync(
    path.join(OUT_DIR, 'latest.json'),
    JSON.stringify({ machine, rows, gvisorRows, ratios, fairness: fair.rows }, null, 2),
  );
  fs.writeFileSync(path.join(OUT_DIR, 'latest.md'), `${table}\n`);
  console.error('per language: hello world next to its floor');
  await quiet();
  const perLanguage = await languagesBench(docker, config, seccomp.json, settle, quiet);
  console.log(`\n${perLanguage.table}`);
  writeLanguages(perLanguage);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
