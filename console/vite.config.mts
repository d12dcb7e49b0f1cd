import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is served by the API process itself (api/console.ts): hashed files under /assets
// are cached forever, index.html never. No dev-server proxying is configured: the build is the product.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // React libraries mark their modules "use client" for server frameworks; meaningless in a plain bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
