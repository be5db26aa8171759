import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // index = the Electron shell; web = browser mode (plain Node, never imports electron).
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          web: resolve(__dirname, 'src/main/web.ts'),
          preflight: resolve(__dirname, 'src/main/preflight-cli.ts')
        }
      }
    }
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron` (and a few Node built-ins): bundle
      // everything else into it, whatever package.json's dependencies say.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } }
    }
  }
});
