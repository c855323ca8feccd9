// Builds the control panel (src/web) into dist/web, which Homeport serves at `/`.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/web',
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: '../../dist/web', emptyOutDir: true, sourcemap: true },
  logLevel: 'warn',
});
