/// <reference types="vitest/config" />
import { resolve } from 'node:path'
import { defineConfig, type Plugin, type PluginOption } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'
import { singleFile } from './scripts/singleFile.ts'

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
const POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'style-src-attr': ["'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'media-src': ["'none'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  // The service worker (sw.js) and the web app manifest come from this origin only.
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'connect-src': ['*'],
}

type Policy = Record<string, string[]>

function serialize(policy: Policy): string {
  return Object.entries(policy).map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ')
}

/** The policy of the hosted build (also what the README tells hosts to send as a header). */
export const CONTENT_SECURITY_POLICY = serialize(POLICY)

/**
 * The single file has no origin to trust ('self' is meaningless on file://): its one script and one
 * stylesheet are allowed by hash, fonts and icons are data: URLs, and there is no worker or manifest.
 */
function singleFilePolicy({ script, style }: { script: string; style: string }): string {
  return serialize({
    ...POLICY,
    'default-src': ["'none'"],
    'script-src': [script],
    'style-src': [style],
    'img-src': ['data:', 'blob:'],
    'font-src': ['data:'],
    'worker-src': ["'none'"],
    'manifest-src': ["'none'"],
  })
}

function contentSecurityPolicy(): Plugin {
  return {
    name: 'inkstream-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  }
}

/**
 * KaTeX lists each font as woff2, woff and ttf. Every browser we support takes woff2, so the other
 * two are dropped: a third of the fonts to precache for offline use, and to inline in the single file.
 */
function katexWoff2Only(): Plugin {
  return {
    name: 'inkstream-katex-woff2',
    // Before Vite's CSS plugin turns the url()s into asset references.
    enforce: 'pre',
    transform(code, id) {
      if (!/katex(\.min)?\.css$/.test(id.split('?')[0] ?? '')) return null
      const trimmed = code.replace(/,\s*url\([^)]*\.woff\)\s*format\("woff"\)|,\s*url\([^)]*\.ttf\)\s*format\("truetype"\)/g, '')
      if (trimmed === code) this.error('KaTeX stylesheet: the woff/ttf font list changed; update inkstream-katex-woff2')
      return { code: trimmed, map: null }
    },
  }
}

/**
 * The service worker precaches the app shell and every lazy chunk (languages, KaTeX and its fonts,
 * Settings) so the page opens offline. It has no runtime caching: a request that is not one of
 * these files (every API call) never reaches a cache and is not answered by the worker. A new
 * version waits until the page asks for it (src/browser/serviceWorker.ts), never mid-answer.
 */
function serviceWorker(): PluginOption {
  return VitePWA({
    registerType: 'prompt',
    // Registered by src/browser/serviceWorker.ts, which owns the update prompt.
    injectRegister: false,
    includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
    manifest: {
      name: 'Inkstream',
      short_name: 'Inkstream',
      description: 'A browser-only streaming chat client for DeepSeek and OpenAI-compatible APIs.',
      start_url: './',
      scope: './',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#3b5bdb',
      icons: [
        { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    workbox: {
      globPatterns: ['**/*.{html,js,css,woff2,svg,png,webmanifest}'],
      // No navigation fallback: the app has one URL (its folder, or index.html), which the precache
      // serves itself, so other pages a host keeps under the same folder are never replaced by the app.
      navigateFallback: null,
      cleanupOutdatedCaches: true,
      // The first visit's page is controlled at once, so a version deployed while it is open waits for it too.
      clientsClaim: true,
      runtimeCaching: [],
    },
  })
}

export default defineConfig(({ mode }) => ({
  plugins: [
    vue(),
    katexWoff2Only(),
    ...(mode === 'single' ? [singleFile(singleFilePolicy, resolve(import.meta.dirname, 'public'))] : [contentSecurityPolicy(), serviceWorker()]),
  ],
  // Messages go to Vue I18n as functions (src/locales `messageFunctions`): its string compiler is dead weight.
  resolve: { alias: { '@intlify/message-compiler': resolve(import.meta.dirname, 'src/vendor/noMessageCompiler.ts') } },
  // Relative asset paths so the build works from any static host path (or a subfolder).
  base: './',
  build:
    mode === 'single'
      ? {
          target: 'es2022',
          sourcemap: false,
          outDir: 'dist-single',
          // Everything in one script and one stylesheet, every asset a data: URL (see scripts/singleFile.ts).
          assetsInlineLimit: () => true,
          cssCodeSplit: false,
          modulePreload: false,
          copyPublicDir: false,
          rolldownOptions: { output: { codeSplitting: false } },
        }
      : { target: 'es2022', sourcemap: false },
  // Every component is `<script setup>`: Vue's Options API support is dead weight in the first load.
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    // No service worker in the single file (file:// cannot have one).
    __INKSTREAM_SERVICE_WORKER__: JSON.stringify(mode !== 'single'),
  },
  test: {
    environment: 'node',
    // Component tests choose their DOM per file (`// @vitest-environment happy-dom`); the rest run in Node.
    include: ['tests/unit/**/*.test.ts', 'tests/component/**/*.test.ts'],
    setupFiles: ['tests/setup-locales.ts'],
    // A fixed zone makes transcript timestamps deterministic.
    env: { TZ: 'Asia/Shanghai' },
  },
}))
