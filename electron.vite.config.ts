import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { resolve } from 'node:path';

// Entries are explicit: electron-vite's defaults (src/main, src/preload, src/renderer) are not our layout.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The engine runs in its own thread (src-main/host/simulation-proxy.ts), bundled as its own file.
      lib: {
        entry: {
          main: resolve(__dirname, 'src-main/electron/main.ts'),
          'simulation-worker': resolve(__dirname, 'src-main/host/simulation-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // The preload runs sandboxed: it must be one CommonJS file with nothing left to require but electron.
      externalizeDeps: false,
      lib: { entry: resolve(__dirname, 'src-main/electron/preload.ts') },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    // Assets resolve relative to the page, so the same build loads from the app:// protocol and from serve mode.
    base: './',
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      emptyOutDir: true,
      chunkSizeWarningLimit: 4096,
      rolldownOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});
