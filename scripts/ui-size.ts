// `npm run ui:size`: builds the UI for production into a temporary folder and prints, per route,
// what a browser downloads to show it the first time (index.html, the entry chunk, the route's
// chunk, their static imports and their CSS), gzip-compressed, as a Markdown table for the README.
// Chunks a route loads only later (Chart.js, behind the charts) are listed beside it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

const REPO = fileURLToPath(new URL('..', import.meta.url));
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-ui-size-'));

try {
  await build({
    configFile: path.join(REPO, 'ui', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, manifest: true, reportCompressedSize: false },
  });
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const gzip = (file: string) => gzipSync(fs.readFileSync(path.join(outDir, file)), { level: 9 }).length;

  /** the chunks a chunk pulls in before it runs: itself and its static imports, recursively */
  function chunks(key: string, into = new Set<string>()): Set<string> {
    if (!manifest[key] || into.has(key)) return into;
    into.add(key);
    for (const imported of manifest[key]!.imports ?? []) chunks(imported, into);
    return into;
  }
  /** their files: JavaScript and CSS */
  function closure(key: string, into = new Set<string>()): Set<string> {
    for (const k of chunks(key)) {
      into.add(manifest[k]!.file);
      for (const css of manifest[k]!.css ?? []) into.add(css);
    }
    return into;
  }
  const sum = (files: Iterable<string>) => [...files].reduce((total, f) => total + gzip(f), 0);

  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  if (!entryKey) throw new Error('the build has no entry chunk');
  const shell = closure(entryKey, new Set(['index.html']));
  const shellChunks = chunks(entryKey);

  // the routes and their views, read from the router (path: '…' … import('../views/XxxView.vue'))
  const routerSource = fs.readFileSync(path.join(REPO, 'ui', 'src', 'router', 'index.ts'), 'utf8');
  const routes = [...routerSource.matchAll(/path: '([^']+)',\s*name: '([^']+)',\s*component: \(\) => import\('\.\.\/(views\/\w+\.vue)'\)/g)].map(
    ([, routePath, name, view]) => ({ routePath: routePath!, name: name!, key: `src/${view}` }),
  );

  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  const rows = routes.map((route) => {
    const first = closure(route.key, new Set(shell));
    // what the route's own chunks import on demand (the entry's dynamic imports are the other routes)
    const own = [...chunks(route.key)].filter((k) => !shellChunks.has(k));
    const later = new Set<string>();
    for (const k of own) for (const dynamic of manifest[k]!.dynamicImports ?? []) for (const f of closure(dynamic)) if (!first.has(f)) later.add(f);
    return { ...route, first: sum(first), later: sum(later) };
  });

  console.log('| route | page | first load (gzip) | loaded after it renders (gzip) |');
  console.log('| --- | --- | ---: | ---: |');
  for (const r of rows) {
    console.log(`| \`${r.routePath.replace(/\(.*?\)/g, '').replace(/\|/g, '\\|')}\` | ${r.name} | ${kb(r.first)} | ${r.later ? `${kb(r.later)} (charts)` : '—'} |`);
  }
  const maps = fs.readdirSync(path.join(outDir, 'assets')).filter((f) => f.endsWith('.map'));
  console.log(`\nShared by every route: ${kb(sum(shell))} (index.html, the entry chunk and the styles). Source maps in the build: ${maps.length}.`);
} finally {
  fs.rmSync(outDir, { recursive: true, force: true });
}
