// The executor as one self-contained script (the agents have no npm): agents fetch it over HTTP through
// CommandInfo.uris and run it with plain node, with no node_modules beside it. This bundles the compiled
// CommonJS of src/pi/executor-main.js and its relative requires: each module becomes a function given a
// require shim, and only Node built-ins may be required from outside. The entry module gets the bundle's
// own `module` and `__filename`, so `require.main === module` holds and `new Worker(__filename)` starts
// the same file, which then takes its worker branch.

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

export class BundleError extends Error {
  override readonly name = 'BundleError';
}

const REQUIRE = /\brequire\((["'])([^"']+)\1\)/g;
const BUILTINS = new Set(builtinModules);

function isBuiltin(name: string): boolean {
  return name.startsWith('node:') || BUILTINS.has(name);
}

function resolveRelative(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  // The forms Node's resolver tries, in its order.
  for (const candidate of [base, `${base}.js`, join(base, 'index.js')]) {
    if (candidate.endsWith('.js') && statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  throw new BundleError(`executor bundle: cannot find "${spec}" required by ${from}; run the TypeScript build first`);
}

/** Bundles a compiled CommonJS entry file and everything it requires relatively into one script. */
export function bundleModules(entryFile: string): Buffer {
  const entry = resolve(entryFile);
  const root = dirname(entry);
  const idOf = (file: string) => relative(root, file).split(sep).join('/');
  const sources = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const id = idOf(file);
    if (sources.has(id)) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new BundleError(`executor bundle: cannot read ${file}; run the TypeScript build first`);
    }
    const rewritten = text.replace(/^\/\/# sourceMappingURL=.*$/m, '').replace(REQUIRE, (whole, _q: string, spec: string) => {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec);
        queue.push(target);
        return `__bundle_require(${JSON.stringify(idOf(target))})`;
      }
      if (!isBuiltin(spec)) {
        throw new BundleError(`executor bundle: ${id} requires "${spec}", which is not a Node built-in; agents have no node_modules`);
      }
      return whole;
    });
    sources.set(id, rewritten);
  }
  const entryId = idOf(entry);
  // Sorted, so the same sources always give the same bytes and sha256.
  const defs = [...sources.keys()]
    .sort()
    .map((id) => `${JSON.stringify(id)}: function (exports, require, module, __filename, __dirname, __bundle_require) {\n${sources.get(id)}\n}`)
    .join(',\n');
  const text = `#!/usr/bin/env node
// mesos-panel executor: ${sources.size} modules bundled from ${entryId}. Needs only Node (18 or newer).
'use strict';
(function () {
  const defs = {
${defs}
  };
  const cache = Object.create(null);
  function __bundle_require(id) {
    const cached = cache[id];
    if (cached) return cached.exports;
    const m = { exports: {} };
    cache[id] = m;
    defs[id].call(m.exports, m.exports, require, m, __filename, __dirname, __bundle_require);
    return m.exports;
  }
  cache[${JSON.stringify(entryId)}] = module;
  defs[${JSON.stringify(entryId)}].call(module.exports, module.exports, require, module, __filename, __dirname, __bundle_require);
})();
`;
  return Buffer.from(text, 'utf8');
}

export interface ExecutorBundle {
  bytes: Buffer;
  /** Hex; changes whenever the executor's code does, so a cache or a log can tell versions apart. */
  sha256: string;
}

let cached: ExecutorBundle | undefined;

/**
 * The executor script for the daemon to serve. By default it is bundled from the compiled
 * executor-main.js next to this file (dist/src/pi), so it always matches the running daemon; pass a
 * file to serve a prebuilt bundle such as dist/executor.js instead.
 */
export function executorBundle(opts: { entry?: string; prebuilt?: string } = {}): ExecutorBundle {
  if (!opts.entry && !opts.prebuilt && cached) return cached;
  let bytes: Buffer;
  if (opts.prebuilt) {
    try {
      bytes = readFileSync(opts.prebuilt);
    } catch {
      throw new BundleError(`executor bundle: cannot read ${opts.prebuilt}; run npm run build`);
    }
  } else {
    bytes = bundleModules(opts.entry ?? join(__dirname, 'executor-main.js'));
  }
  const bundle = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  if (!opts.entry && !opts.prebuilt) cached = bundle;
  return bundle;
}
