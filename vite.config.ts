// Builds the control panel (src/web) into dist/web, which Homeport serves at `/`. `npm run dev:web`
// serves it with hot reload instead, passing /api to a Homeport on HOMEPORT_API_URL.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/web',
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../../dist/web', emptyOutDir: true, sourcemap: true,
    rolldownOptions: {
      // lucide-react marks its modules "use client" (for React Server Components); a client bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': process.env.HOMEPORT_API_URL ?? 'http://127.0.0.1:8080' } },
  logLevel: 'warn',
});
