import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

let cached: CheckoutAssets | null = null;

/**
 * The hashed file names of the client bundle, from Vite's manifest. Read once; while the bundle is not
 * built yet the pages still render (without the form), and pick it up as soon as it appears.
 */
export function checkoutAssets(): CheckoutAssets | null {
  if (cached) return cached;
  if (!existsSync(MANIFEST)) return null;
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, ManifestChunk>;
  const entry = manifest[ENTRY] ?? Object.values(manifest).find((chunk) => chunk.isEntry);
  if (!entry) return null;
  cached = { js: `/checkout/${entry.file}`, css: (entry.css ?? []).map((file) => `/checkout/${file}`) };
  return cached;
}
