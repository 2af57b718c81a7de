import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, expect, it } from 'vitest';

// Support staff open Payments on phones: what the browser must fetch before the list shows stays small.
const INITIAL_JS_BUDGET_GZIP = 200 * 1024;
const out = mkdtempSync(path.join(os.tmpdir(), 'pf-dashboard-size-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface ManifestChunk { file: string; imports?: string[]; isEntry?: boolean; src?: string }

/** A chunk and everything it imports statically (dynamic imports load later, on demand). */
function closure(manifest: Record<string, ManifestChunk>, keys: string[], seen = new Set<string>()): Set<string> {
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    closure(manifest, manifest[key].imports ?? [], seen);
  }
  return seen;
}

it(`the Payments list route loads within ${INITIAL_JS_BUDGET_GZIP / 1024} KB of gzipped JavaScript`, async () => {
  // Vitest runs with NODE_ENV=test, which would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.resolve('vite.config.ts'), mode: 'production', logLevel: 'silent', build: { outDir: out, emptyOutDir: true, manifest: true, sourcemap: false } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const manifest = JSON.parse(readFileSync(path.join(out, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.keys(manifest).filter((k) => manifest[k].isEntry);
  // Code-split route chunks are keyed by the route file plus a split query.
  const route = Object.keys(manifest).filter((k) => k.includes('routes/_app/payments.index.tsx') || k.includes('routes/_app.tsx'));
  expect(entry.length).toBeGreaterThan(0);
  expect(route.length).toBeGreaterThan(0);
  let total = 0;
  for (const key of closure(manifest, [...entry, ...route])) {
    const size = gzipSync(readFileSync(path.join(out, manifest[key].file)), { level: 9 }).length;
    if (process.env.BUNDLE_REPORT) console.log(`${(size / 1024).toFixed(1).padStart(6)} KB  ${key}`);
    total += size;
  }
  console.log(`payments route initial JS (gzip): ${(total / 1024).toFixed(1)} KB`);
  expect(total).toBeLessThan(INITIAL_JS_BUDGET_GZIP);
}, 120_000);
