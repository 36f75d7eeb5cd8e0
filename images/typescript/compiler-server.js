// The warm TypeScript compiler: one node process that keeps the TypeScript compiler API loaded and
// compiles one request after another (docs/compiler-protocol.md), so a hello world compiles in tens
// of milliseconds instead of a fresh tsc's seconds. It only compiles: no user code ever runs here.
//
//   node /opt/webcompile/compiler-server.js --pretty false --strict ... --types node
//
// Its arguments are tsc's command line without the entry file, which each request brings (its first
// file): every compile is `tsc <arguments> <entry>` as tsc itself would do it (tsc.js's
// executeCommandLine and performCompilation, TypeScript 4.8), with the same messages, exit status
// (0 success, 1 errors and nothing emitted, 2 errors with outputs emitted) and output bytes.
//
// Each request is compiled in a fresh /tmp/work, the folder where the sandbox's tsc runs (/work is
// a link to it), so that even the messages that name an absolute path ("File '/tmp/work/lib.ts' is
// not a module.") are the sandbox's; it is removed, with all it holds, before the answer is written.
// Kept between requests: the loaded compiler and the parsed (and bound) declaration files of the
// toolchain (everything under /usr: lib.*.d.ts, @types/node), which are the same for every request.
// Nothing of a request is kept.
'use strict';

const fs = require('fs');
const path = require('path');
const util = require('util');

// stdout carries the answers and nothing else.
const stdout = process.stdout;
for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir']) {
  console[name] = (...args) => process.stderr.write(util.format(...args) + '\n');
}

const ts = require('/usr/share/nodejs/typescript');

const WORK_DIR = '/tmp/work';
const TOOLCHAIN = '/usr/';
const MAX_FIELD = 256 * 1024 * 1024;
const MAX_FILES = 10000;

function die(message) {
  process.stderr.write(`compiler-server: ${message}\n`);
  finish(2);
}

// Before any answer: nothing to wait for.
function refuse(message) {
  process.stderr.write(`compiler-server: ${message}\n`);
  process.exit(2);
}

// Exits once the answers written so far have left.
function finish(code) {
  process.stdout.write('', () => process.exit(code));
}

// ---- The command line --------------------------------------------------------------------------

const serverArgs = process.argv.slice(2);

// What the compile writes that tsc would print on stdout goes into the current request's messages.
let messages = null;
function write(s) {
  if (messages) messages.push(s);
  else process.stderr.write(s);
}
ts.sys.write = write;
ts.sys.exit = (code) => {
  throw new Error(`the compiler asked to exit with ${code}`);
};
ts.Debug.loggingHost = { log: (_level, s) => write(`${s || ''}${ts.sys.newLine}`) };

// A system like tsc's (ts.sys), except that what it writes inside the request's folder is kept in
// memory: those are the artifacts. Anything else goes to the real file system, as with tsc.
let outputs = null;
const system = Object.assign({}, ts.sys, {
  write,
  writeOutputIsTTY: () => false,
  writeFile(fileName, data, writeByteOrderMark) {
    const abs = path.resolve(WORK_DIR, fileName);
    if (outputs && abs.startsWith(WORK_DIR + '/')) {
      outputs.set(path.relative(WORK_DIR, abs), Buffer.from(writeByteOrderMark ? '\uFEFF' + data : data, 'utf8'));
    } else {
      ts.sys.writeFile(fileName, data, writeByteOrderMark);
    }
  },
});

// The modes of tsc that are not one compile and print to stdout: not this server's job.
(function checkArguments() {
  if (ts.isBuild && ts.isBuild(serverArgs)) refuse('--build is not supported');
  const { options } = ts.parseCommandLine(serverArgs.concat('main.ts'), (p) => ts.sys.readFile(p));
  for (const o of ['init', 'version', 'help', 'all', 'watch', 'project', 'showConfig', 'locale',
    'generateCpuProfile', 'generateTrace', 'diagnostics', 'extendedDiagnostics']) {
    if (options[o] !== undefined && options[o] !== false) refuse(`--${o} is not supported`);
  }
  if (options.pretty) refuse('--pretty true is not supported: start it with --pretty false');
  if (ts.isIncrementalCompilation(options)) refuse('--incremental and --composite are not supported');
})();

// ---- The cache of the toolchain's source files -------------------------------------------------

// Parsed (and, once a program has bound them, bound) declaration files of the toolchain, by path and
// by what parsing depends on (the rest of it is the server's options, the same for its lifetime). They are read-only files of the image; a program never changes a
// SourceFile in a way another program could see (the language service shares them the same way).
const sourceFileCache = new Map();
// The entries a compile finished with: parsed, and bound completely or not at all. A compile that
// throws may leave the others half bound; they are dropped.
const proven = new Set();

function afterCompile(threw) {
  for (const [key, file] of sourceFileCache) {
    if (!threw) {
      if (file.locals) proven.add(key);
    } else if (!proven.has(key)) {
      sourceFileCache.delete(key);
    }
  }
}

function cachedGetSourceFile(original) {
  return function getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) {
    const abs = path.resolve(WORK_DIR, fileName);
    if (!abs.startsWith(TOOLCHAIN) || shouldCreateNewSourceFile) {
      return original.call(this, fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
    }
    const o = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const key = `${abs}\0${o.languageVersion}\0${o.impliedNodeFormat}`;
    const hit = sourceFileCache.get(key);
    if (hit) return hit;
    let failed = false;
    const file = original.call(this, fileName, languageVersionOrOptions, (m) => {
      failed = true;
      if (onError) onError(m);
    }, shouldCreateNewSourceFile);
    if (file && !failed) sourceFileCache.set(key, file);
    return file;
  };
}

// Module resolution from the toolchain's files (@types/node's `import ... from 'events'` and the
// like) only looks at the toolchain's own folders, so its results are kept too: tsc's own resolver
// (ts.resolveModuleName, as createProgram calls it), with a cache of its own for those files that
// outlives the request, and a fresh one, as in tsc, for the request's files. Not with the options
// that make resolution depend on the working folder or that print its steps.
let toolchainResolutionCache = null;

function useResolutionCaches(host, options, currentDirectory, getCanonicalFileName) {
  if (options.baseUrl !== undefined || options.paths || options.rootDirs || options.traceResolution) return;
  const requestCache = ts.createModuleResolutionCache(currentDirectory, getCanonicalFileName, options);
  if (!toolchainResolutionCache) toolchainResolutionCache = ts.createModuleResolutionCache(currentDirectory, getCanonicalFileName, options);
  host.getModuleResolutionCache = () => requestCache;
  host.resolveModuleNames = (moduleNames, containingFileName, _reusedNames, redirectedReference, compilerOptions, containingFile) => {
    const cache = containingFileName.startsWith(TOOLCHAIN) ? toolchainResolutionCache : requestCache;
    return ts.loadWithModeAwareCache(moduleNames, containingFile, containingFileName, redirectedReference,
      (name, mode, fileName, redirected) => ts.resolveModuleName(name, fileName, compilerOptions, host, cache, redirected, mode).resolvedModule);
  };
}

// ---- One compile -------------------------------------------------------------------------------

// tsc's executeCommandLineWorker and performCompilation for `tsc <serverArgs> <entry>` in WORK_DIR.
function tsc(entry) {
  const commandLine = ts.parseCommandLine(serverArgs.concat(entry), (p) => system.readFile(p));
  const reportDiagnostic = ts.createDiagnosticReporter(system, false);
  if (commandLine.errors.length > 0) {
    commandLine.errors.forEach(reportDiagnostic);
    return ts.ExitStatus.DiagnosticsPresent_OutputsSkipped;
  }
  const currentDirectory = system.getCurrentDirectory();
  const options = ts.convertToOptionsWithAbsolutePaths(commandLine.options, (f) => ts.getNormalizedAbsolutePath(f, currentDirectory));
  const config = Object.assign({}, commandLine, { options });
  const host = ts.createCompilerHostWorker(options, undefined, system);
  const getCanonicalFileName = ts.createGetCanonicalFileName(host.useCaseSensitiveFileNames());
  const hostDirectory = host.getCurrentDirectory();
  ts.changeCompilerHostLikeToUseCache(host, (f) => ts.toPath(f, hostDirectory, getCanonicalFileName));
  host.getSourceFile = cachedGetSourceFile(host.getSourceFile);
  useResolutionCaches(host, options, hostDirectory, getCanonicalFileName);
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options,
    projectReferences: config.projectReferences,
    host,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
  });
  return ts.emitFilesAndReportErrorsAndGetExitStatus(program, reportDiagnostic, (s) => system.write(s + system.newLine), undefined);
}

// Writes the request's files into a fresh WORK_DIR and makes it the working directory.
function materialize(files) {
  process.chdir('/tmp');
  fs.rmSync(WORK_DIR, { recursive: true, force: true });
  fs.mkdirSync(WORK_DIR, { mode: 0o700 });
  for (const f of files) {
    const abs = path.join(WORK_DIR, f.path);
    fs.mkdirSync(path.dirname(abs), { recursive: true, mode: 0o700 });
    fs.writeFileSync(abs, f.content, { mode: 0o600, flag: 'wx' });
  }
  process.chdir(WORK_DIR);
}

function compile(files) {
  messages = [];
  outputs = new Map();
  let exitCode;
  try {
    materialize(files);
    try {
      exitCode = tsc(files[0].path);
      afterCompile(false);
    } catch (e) {
      // The compiler's own failure is this request's compile error; what it cached may be half made.
      afterCompile(true);
      process.stderr.write(`compiler-server: internal error: ${(e && e.stack) || e}\n`);
      throw e;
    }
  } catch (e) {
    // Declined (docs/compiler-protocol.md): tsc itself would have crashed with its own words; the
    // caller compiles this one in the sandbox.
    exitCode = 255;
    const text = String((e && e.message) || e).replace(/\r?\n/g, ' ');
    messages.push(`error TS0: internal compiler error: ${text}${ts.sys.newLine}`);
  }
  const text = messages.join('');
  const artifacts = exitCode === 0 ? [...outputs] : [];
  messages = null;
  outputs = null;
  process.chdir('/tmp');
  fs.rmSync(WORK_DIR, { recursive: true, force: true });
  return { exitCode, text, artifacts };
}

// ---- The protocol ------------------------------------------------------------------------------

function field(data) {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return [Buffer.from(`${body.length}\n`, 'ascii'), body];
}

function encodeAnswer({ exitCode, text, artifacts }) {
  const parts = [...field(String(exitCode)), ...field(text), ...field(String(artifacts.length))];
  for (const [p, content] of artifacts) parts.push(...field(p), ...field('644'), ...field(content));
  return Buffer.concat(parts);
}

const utf8 = new util.TextDecoder('utf-8', { fatal: true });

function checkPath(bytes) {
  let p;
  try {
    p = utf8.decode(bytes);
  } catch {
    throw new Error('a path is not UTF-8');
  }
  const shown = JSON.stringify(p);
  if (p.startsWith('/')) throw new Error(`absolute path ${shown}`);
  if (/[\0\\]/.test(p)) throw new Error(`path with a NUL or a backslash ${shown}`);
  if (p.split('/').some((s) => s === '' || s === '.' || s === '..')) throw new Error(`path with an empty, . or .. segment ${shown}`);
  return p;
}

function checkFiles(files) {
  if (/^[-@]/.test(files[0].path)) throw new Error(`entry file that tsc would read as an option ${JSON.stringify(files[0].path)}`);
  const seen = new Set(files.map((f) => f.path));
  if (seen.size !== files.length) throw new Error('a path occurs twice');
  for (const f of files) {
    for (let i = f.path.indexOf('/'); i >= 0; i = f.path.indexOf('/', i + 1)) {
      if (seen.has(f.path.slice(0, i))) throw new Error(`${JSON.stringify(f.path.slice(0, i))} is both a file and a folder`);
    }
  }
}

// Fields off stdin, in any chunking: "<decimal length>\n" then that many bytes.
class FieldReader {
  constructor(onField) {
    this.onField = onField;
    this.digits = '';
    this.body = null; // the Buffer being filled, once the length is known
    this.filled = 0;
  }

  get idle() {
    return this.body === null && this.digits === '';
  }

  push(chunk) {
    let i = 0;
    while (i < chunk.length) {
      if (this.body === null) {
        const c = chunk[i++];
        if (c === 0x0a) {
          if (this.digits === '') throw new Error('a field without a length');
          const n = Number(this.digits);
          if (n > MAX_FIELD) throw new Error(`a field of ${this.digits} bytes`);
          this.digits = '';
          this.body = Buffer.allocUnsafe(n);
          this.filled = 0;
        } else if (c >= 0x30 && c <= 0x39 && this.digits.length < 12) {
          this.digits += String.fromCharCode(c);
          continue;
        } else {
          throw new Error('a field length that is not a decimal number');
        }
      } else {
        const n = Math.min(this.body.length - this.filled, chunk.length - i);
        chunk.copy(this.body, this.filled, i, i + n);
        this.filled += n;
        i += n;
      }
      if (this.body !== null && this.filled === this.body.length) {
        const body = this.body;
        this.body = null;
        this.onField(body);
      }
    }
  }
}

// Requests out of fields: wcc1, N, then N times path and content.
class RequestReader {
  constructor(onRequest) {
    this.onRequest = onRequest;
    this.fields = new FieldReader((f) => this.field(f));
    this.reset();
  }

  reset() {
    this.stage = 'version';
    this.count = 0;
    this.files = [];
    this.path = null;
  }

  get idle() {
    return this.stage === 'version' && this.fields.idle;
  }

  field(f) {
    switch (this.stage) {
      case 'version':
        if (f.toString('latin1') !== 'wcc1') throw new Error(`not a wcc1 request (${JSON.stringify(f.toString('latin1').slice(0, 20))})`);
        this.stage = 'count';
        return;
      case 'count': {
        const s = f.toString('latin1');
        if (!/^[0-9]{1,6}$/.test(s) || Number(s) < 1 || Number(s) > MAX_FILES) throw new Error(`a bad number of files ${JSON.stringify(s.slice(0, 20))}`);
        this.count = Number(s);
        this.stage = 'path';
        return;
      }
      case 'path':
        this.path = checkPath(f);
        this.stage = 'content';
        return;
      case 'content':
        this.files.push({ path: this.path, content: f });
        if (this.files.length < this.count) {
          this.stage = 'path';
          return;
        }
        checkFiles(this.files);
        const files = this.files;
        this.reset();
        this.onRequest(files);
    }
  }

  push(chunk) {
    this.fields.push(chunk);
  }
}

// Requests are answered in order, each answer written in one piece and flushed before the next.
const queue = [];
let running = false;

const reader = new RequestReader((files) => queue.push({ files }));
let broken = false;

process.stdin.on('data', (chunk) => {
  if (broken) return;
  try {
    reader.push(chunk);
  } catch (e) {
    broken = true;
    queue.push({ fatal: `unreadable request: ${e.message}` });
  }
  run();
});
process.stdin.on('end', () => {
  if (!broken) queue.push(reader.idle ? { end: true } : { fatal: 'end of input in the middle of a request' });
  run();
});
process.stdin.on('error', (e) => {
  queue.push({ fatal: `stdin: ${e.message}` });
  run();
});
stdout.on('error', (e) => die(`stdout: ${e.message}`));

async function run() {
  if (running) return;
  running = true;
  while (queue.length > 0) {
    const item = queue.shift();
    if (item.fatal) return die(item.fatal);
    if (item.end) return finish(0);
    const answer = encodeAnswer(compile(item.files));
    if (stdout.write(answer)) continue;
    process.stdin.pause();
    await new Promise((resolve) => stdout.once('drain', resolve));
    process.stdin.resume();
  }
  running = false;
}
