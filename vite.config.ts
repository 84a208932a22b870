/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

/**
 * The page holds the user's API key, so the production build forbids inline and foreign scripts
 * and every automatic fetch (images, media, frames) from anywhere but this origin. `connect-src`
 * stays open because the user chooses the endpoint. The dev server injects inline styles for HMR,
 * so the policy is added to the built page only.
 *
 * Rendered Markdown (issue 3) — decisions:
 * - `style-src-attr 'unsafe-inline'`: KaTeX sizes and positions its glyphs with inline style
 *   attributes, and markdown-it aligns table columns with `style="text-align:…"`. Only attributes
 *   are allowed: `<style>` elements and stylesheets stay 'self' (`style-src`), scripts stay
 *   'self' with no inline or eval. Model text cannot reach a style attribute (html:false; KaTeX
 *   runs with trust:false), and `img-src`/`font-src` stop CSS from fetching anything remote.
 * - `img-src` stays closed to remote hosts. An image in an answer is a placeholder; a click fetches
 *   it (credentials omitted, no referrer) and shows it from a blob: URL, or, if its host does not
 *   allow cross-origin reads, offers a link that opens it in a new tab. So an injected
 *   `<img src=https://…>` is still blocked here, the second wall behind the renderer.
 * - KaTeX fonts and stylesheet and highlight.js are bundled chunks: 'self'.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  'connect-src *',
].join('; ')

function contentSecurityPolicy(): Plugin {
  return {
    name: 'inkstream-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  }
}

export default defineConfig({
  plugins: [vue(), contentSecurityPolicy()],
  // Relative asset paths so the build works from any static host path (or a subfolder).
  base: './',
  build: { target: 'es2022', sourcemap: false },
  // Every component is `<script setup>`: Vue's Options API support is dead weight in the first load.
  define: { __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
  test: {
    environment: 'node',
    include: ['tests/unit/**/*.test.ts'],
    // A fixed zone makes transcript timestamps deterministic.
    env: { TZ: 'Asia/Shanghai' },
  },
})
