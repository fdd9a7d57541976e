#!/usr/bin/env node
// Runs before `npm start` (prestart) and `npm test` (pretest), on a fresh clone too: it uses only
// Node built-ins, because node_modules may not exist yet.
//   1. npm packages: `npm ci` when node_modules is missing or older than package-lock.json
//   2. the Temporal CLI via scripts/temporal-cli.sh (and with --test the time-skipping test server)
//   3. with --test: Debian's Chromium for the browser tests (apt-get, when root and it is missing)
//   4. with --test: Schemathesis (PyPI, pinned) in the tool virtualenv for the API fuzz test
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--test');
const started = Date.now();
const say = (msg) => console.error(`bootstrap: ${msg}`);
const fail = (msg) => {
  console.error(`bootstrap: ERROR: ${msg}`);
  process.exit(1);
};

// --- Node version -------------------------------------------------------------------------------
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) fail(`Node ${process.versions.node} is too old; Kinga needs Node 20.19 or later`);

// --- npm packages -------------------------------------------------------------------------------
const lockFile = path.join(root, 'package-lock.json');
const hiddenLock = path.join(root, 'node_modules', '.package-lock.json');

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Why node_modules must be (re)installed, or undefined when it matches package-lock.json. */
function installReason() {
  if (!fs.existsSync(path.join(root, 'node_modules'))) return 'node_modules is missing';
  if (!fs.existsSync(lockFile)) return fs.existsSync(hiddenLock) ? undefined : 'no package-lock.json';
  if (!fs.existsSync(hiddenLock)) return 'node_modules was not installed by npm';
  if (fs.statSync(lockFile).mtimeMs <= fs.statSync(hiddenLock).mtimeMs) return undefined;
  // package-lock.json is newer. npm writes both files on every install, a few ms apart in either
  // order, so compare what they say before reinstalling everything.
  const wanted = readJson(lockFile)?.packages ?? {};
  const have = readJson(hiddenLock)?.packages ?? {};
  for (const [key, entry] of Object.entries(wanted)) {
    if (key === '' || !key.includes('node_modules/')) continue;
    const got = have[key];
    if (!got) {
      if (entry.optional || entry.peer) continue; // e.g. native packages for other platforms
      return `package-lock.json is newer than node_modules (${key.replace(/^.*node_modules\//, '')} missing)`;
    }
    if ((entry.version ?? '') !== (got.version ?? '') || (entry.resolved ?? '') !== (got.resolved ?? '')) {
      return `package-lock.json is newer than node_modules (${key.replace(/^.*node_modules\//, '')} ${got.version} → ${entry.version})`;
    }
  }
  return undefined;
}

function npm(args) {
  // Under `npm start`/`npm test` npm tells us where it lives; otherwise use the one on PATH.
  const execPath = process.env.npm_execpath;
  const [cmd, cmdArgs] = execPath && /\.c?js$/.test(execPath) ? [process.execPath, [execPath, ...args]] : ['npm', args];
  const res = spawnSync(cmd, cmdArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  return res.status === 0;
}

/** A lock directory, so `npm start` and `npm test` started together do not install at once. */
function withInstallLock(fn) {
  const lockDir = path.join(root, '.kinga', 'npm-install.lock');
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch {
      let pid = 0;
      let ageMs = 0;
      try {
        pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8')) || 0;
        ageMs = Date.now() - fs.statSync(lockDir).mtimeMs;
      } catch {}
      let alive = pid === 0 && ageMs < 30_000; // just created, pid not written yet
      if (pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch {}
      }
      if (!alive) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) fail(`another npm install (pid ${pid}) holds ${lockDir}`);
      say(`waiting for another install (pid ${pid})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

const reason = installReason();
if (reason) {
  withInstallLock(() => {
    if (!installReason()) return; // another process installed meanwhile
    say(`${reason}: running npm ci`);
    if (!npm(['ci', '--no-audit', '--no-fund'])) {
      say('npm ci failed; trying npm install');
      if (!npm(['install', '--no-audit', '--no-fund'])) fail('npm could not install the packages (see above)');
    }
  });
  say('npm packages installed');
} else {
  say('npm packages up to date');
}

// --- Temporal -----------------------------------------------------------------------------------
function temporalScript(args) {
  const res = spawnSync('bash', [path.join(root, 'scripts', 'temporal-cli.sh'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  return res.status === 0 ? res.stdout.trim() : undefined;
}

const cli = temporalScript([]);
if (cli) say(`Temporal CLI: ${cli}`);
else if (process.env.TEMPORAL_ADDRESS) say(`no Temporal CLI, but TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS} is set, so none is needed`);
else fail('no Temporal CLI (see above); install one and set TEMPORAL_CLI_PATH, or point TEMPORAL_ADDRESS at a running cluster');

if (forTests) {
  const testServer = temporalScript(['--test-server']);
  if (testServer) say(`Temporal time-skipping test server: ${testServer}`);
  else fail('no Temporal time-skipping test server (see above); install one and set TEMPORAL_TEST_SERVER_PATH');
  ensureChromium();
  const fuzzer = spawnSync('bash', [path.join(root, 'scripts', 'schemathesis.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (fuzzer.status === 0) say(`Schemathesis: ${fuzzer.stdout.trim()}`);
  else fail('no Schemathesis (see above); the API fuzz test (test/api/fuzz.test.ts) needs it — or set SCHEMATHESIS_PATH');
}

// --- Chromium for the browser tests (test/browser/) -----------------------------------------------
// playwright-core drives Debian's chromium package; Playwright's own browser download is never used.
function ensureChromium() {
  const chromium = process.env.KINGA_CHROMIUM_PATH || '/usr/bin/chromium';
  if (fs.existsSync(chromium)) {
    say(`Chromium: ${chromium}`);
    return;
  }
  const howTo = 'install it with `apt-get install chromium` (Debian/Ubuntu) or point KINGA_CHROMIUM_PATH at a Chromium binary; the browser tests do not run without it';
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find((p) => fs.existsSync(p));
  if (!isRoot || !aptGet) fail(`no Chromium at ${chromium}: ${howTo} (not installing it myself: ${!aptGet ? 'no apt-get here' : 'not running as root'})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
    say(`no Chromium at ${chromium}: running apt-get ${args.join(' ')}`);
    const res = spawnSync(aptGet, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (res.status !== 0) fail(`apt-get ${args.join(' ')} failed (exit ${res.status}): ${howTo}`);
  }
  if (!fs.existsSync(chromium)) fail(`apt-get installed chromium but ${chromium} is still missing: ${howTo}`);
  say(`Chromium installed: ${chromium}`);
}

say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
