/**
 * Builds the web app into web/dist: static files the daemon serves on
 * localhost and any host can serve (docs/web-app.md).
 */
import { defineConfig } from 'vite'
import solid from 'vite-plugin-solid'

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    // the budget is what the first screen loads, gzip (npm run bench -- --only web measures it: 350 KB)
    chunkSizeWarningLimit: 1200
  }
})
