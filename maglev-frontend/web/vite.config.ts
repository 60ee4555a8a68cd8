import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// Relative asset URLs: the same build is served under /view/ and /admin/.
export default defineConfig({
  base: './',
  plugins: [solid()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: false },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
