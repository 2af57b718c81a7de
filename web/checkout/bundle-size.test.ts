import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, expect, it } from 'vitest';

// The checkout loads on a buyer's phone over whatever network they have: the client stays framework-free.
const JS_BUDGET_GZIP = 60 * 1024;
const out = mkdtempSync(path.join(os.tmpdir(), 'pf-checkout-size-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it(`checkout client bundle stays under ${JS_BUDGET_GZIP / 1024} KB of gzipped JavaScript`, async () => {
  await build({ configFile: path.resolve('vite.checkout.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
  const assets = path.join(out, 'assets');
  const sizes = { js: 0, css: 0 };
  for (const file of readdirSync(assets)) {
    const kind = file.endsWith('.js') ? 'js' : file.endsWith('.css') ? 'css' : null;
    if (kind) sizes[kind] += gzipSync(readFileSync(path.join(assets, file)), { level: 9 }).length;
  }
  console.log(`checkout bundle (gzip): JS ${(sizes.js / 1024).toFixed(1)} KB, CSS ${(sizes.css / 1024).toFixed(1)} KB`);
  expect(sizes.js).toBeGreaterThan(0);
  expect(sizes.js).toBeLessThan(JS_BUDGET_GZIP);
}, 60_000);
