// The page's files, read once at start from the package into memory and served from there: a request names a
// fixed route, never a file. Everything the page needs is here, so it needs no CDN and works offline.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** src/web/page, whether running from the sources or from dist/ (the package ships the folder as it is). */
function pageDir(): string {
  const candidates = [path.resolve(__dirname, 'page'), path.resolve(__dirname, '../../../src/web/page')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[0];
}

/** The dashboard's chart library, from its package (a dependency, so it ships with the daemon): route to file. */
const LIBRARY: Record<string, string> = {
  '/uplot.js': 'uplot/dist/uPlot.iife.min.js',
  '/uplot.css': 'uplot/dist/uPlot.min.css',
};

/** The route of each file, e.g. /mirror.js; index.html is served at /, dashboard.html at /dashboard. */
export function loadAssets(): Map<string, Asset> {
  const dir = pageDir();
  const files = fs
    .readdirSync(dir)
    .filter((f) => TYPES[path.extname(f)])
    .map((f) => [f === 'index.html' ? '/' : `/${f.replace(/\.html$/, '')}`, path.join(dir, f)] as const);
  const library = Object.entries(LIBRARY).map(([route, id]) => [route, require.resolve(id)] as const);
  return new Map([...files, ...library].map(([route, file]) => [route, { body: fs.readFileSync(file), type: TYPES[path.extname(file)] }]));
}
