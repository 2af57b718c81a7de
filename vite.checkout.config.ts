import tailwindcss from '@tailwindcss/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The hosted checkout's client: a separate, framework-free bundle (no React) served by
 * server/checkout under /checkout/assets. The server finds the hashed names in the manifest.
 */
export default defineConfig({
  root: here('./web/checkout'),
  base: '/checkout/',
  publicDir: false,
  plugins: [tailwindcss()],
  build: {
    outDir: here('./dist/checkout'),
    emptyOutDir: true,
    manifest: true,
    modulePreload: false,
    target: 'es2022',
    rollupOptions: {
      input: here('./web/checkout/main.ts'),
      output: {
        entryFileNames: 'assets/checkout-[hash].js',
        chunkFileNames: 'assets/checkout-[name]-[hash].js',
        assetFileNames: 'assets/checkout-[hash][extname]',
      },
    },
  },
});
