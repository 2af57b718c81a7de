import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProduction } from '../env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The checkout client's build output (vite.checkout.config.ts); served under /checkout/assets. */
export const CHECKOUT_DIST = path.join(root, 'dist', 'checkout');
const MANIFEST = path.join(CHECKOUT_DIST, '.vite', 'manifest.json');
const ENTRY = 'main.ts';

export interface CheckoutAssets {
  js: string;
  css: string[];
}

interface ManifestChunk {
  file: string;
  css?: string[];
  isEntry?: boolean;
}

let cached: { mtimeMs: number; assets: CheckoutAssets | null } | null = null;
// In production the bundle never changes under a running server: read the manifest once. In development
// a `vite build --watch` rewrites it, so its modification time is checked on each page.
const WATCH_MANIFEST = !isProduction();

/**
 * The hashed file names of the client bundle, from Vite's manifest. While the bundle is not built the pages
 * still render, without the form, and pick it up as soon as it appears.
 */
export function checkoutAssets(): CheckoutAssets | null {
  if (cached?.assets && !WATCH_MANIFEST) return cached.assets;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(MANIFEST).mtimeMs;
  } catch {
    return null;
  }
  if (cached?.mtimeMs === mtimeMs) return cached.assets;
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, ManifestChunk>;
  const entry = manifest[ENTRY] ?? Object.values(manifest).find((chunk) => chunk.isEntry);
  const assets = entry ? { js: `/checkout/${entry.file}`, css: (entry.css ?? []).map((file) => `/checkout/${file}`) } : null;
  cached = { mtimeMs, assets };
  return assets;
}
