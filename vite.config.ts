/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  // Relative asset paths so the build works from any static host path (or a subfolder).
  base: './',
  build: { target: 'es2022', sourcemap: false },
  test: {
    environment: 'node',
    include: ['tests/unit/**/*.test.ts'],
    // A fixed zone makes transcript timestamps deterministic.
    env: { TZ: 'Asia/Shanghai' },
  },
})
