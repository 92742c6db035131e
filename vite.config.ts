import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

/** The client is built into dist/client and served by the Express server (server/http/static.ts). */
export default defineConfig({
  root: 'client',
  publicDir: '../assets',
  plugins: [vue()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/socket.io': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
