// What the browser tests run on: the UI built once into a temp folder (Vite's build API), the real
// API serving it on 127.0.0.1, a real worker, Temporal and PostgreSQL (a database of this file's
// own, so the queue shows only its cases), and Debian's Chromium driven by playwright-core.
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import pino from 'pino';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../api/app';
import { prepareReplay } from '../../compliance/replay';
import { uiRouter } from '../../api/static';
import { createTestStack, type KingaTestStack } from '../lifecycle/context';
import { scratchDatabase, type ScratchDatabase } from '../helpers';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = path.join(REPO, 'docs', 'screenshots');
export const CHROMIUM = process.env.KINGA_CHROMIUM_PATH || '/usr/bin/chromium';

export interface BrowserHarness {
  stack: KingaTestStack;
  baseUrl: string;
  context: BrowserContext;
  close(): Promise<void>;
}

/** `vite build` of ui/ into a fresh temp folder (the repository's ui/dist is left alone). */
export async function buildUi(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: path.join(REPO, 'ui', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
  });
}

export async function startBrowserHarness(env: Record<string, string> = {}): Promise<BrowserHarness> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run \`npm test\` (its pretest step installs Debian's chromium) or \`apt-get install chromium\`, or set KINGA_CHROMIUM_PATH`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-browser-'));
  const dist = path.join(tmp, 'dist');
  let scratch: ScratchDatabase | undefined;
  let stack: KingaTestStack | undefined;
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  const cleanup = async () => {
    await context?.close().catch(() => undefined);
    if (server) {
      server.closeAllConnections(); // open event streams would hold close() forever
      await new Promise((r) => server!.close(r));
    }
    await stack?.close();
    await scratch?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    // prepareReplay: what the API process does at start-up (api/server.ts), so the first replay is not slower
    const [db] = await Promise.all([scratchDatabase('kinga_browser', { migrate: true }), buildUi(dist), prepareReplay()]);
    scratch = db;
    stack = await createTestStack({ DATABASE_URL: scratch.url, ...env });
    await stack.startWorker();
    const app = createApp({ db: stack.db, temporal: stack.client, config: stack.config, logger: pino({ level: 'silent' }), jwtSecret: stack.config.api.jwtSecret! });
    // the built UI in front of the API, exactly as createApp serves ui/dist in production
    const outer = express();
    outer.use(uiRouter({ enabled: true, distDir: dist }));
    outer.use(app);
    server = outer.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', () => resolve());
      server!.once('error', reject);
    });
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      viewport: { width: 1440, height: 900 },
      locale: 'en-GB',
      timezoneId: 'Africa/Nairobi',
    });
    // Each wait in the browser ends on what the page shows; the bound only has to hold on a busy machine.
    context.setDefaultTimeout(60_000);
    return { stack, baseUrl, context, close: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** A new tab signed in through the login form as `username`. */
export async function signIn(h: BrowserHarness, username: string, password: string): Promise<Page> {
  const page = await h.context.newPage();
  // a script error in the page fails nothing by itself: make it visible in the test output
  page.on('pageerror', (err) => process.stderr.write(`[browser ${username}] page error: ${err.message}\n`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') process.stderr.write(`[browser ${username}] console: ${msg.text()}\n`);
  });
  await page.goto(`${h.baseUrl}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('header-role').waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}
