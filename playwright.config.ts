import { defineConfig } from '@playwright/test'

// E2E tests run the production build (served by `vite preview`) in Debian's Chromium against the
// loopback mock provider in tests/mock/server.mjs. No browser download: Playwright only drives the
// system Chromium. The only network traffic is 127.0.0.1.
// E2E_APP_PORT / E2E_MOCK_PORT let two checkouts run their suites side by side on one machine.
const APP_PORT = process.env.E2E_APP_PORT ?? '4173'
const MOCK_PORT = process.env.E2E_MOCK_PORT ?? '8787'

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  // Tests use short, mock-driven timings; a test that needs more than this is stuck.
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    headless: true,
    acceptDownloads: true,
    actionTimeout: 5_000,
    navigationTimeout: 10_000,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: [
    {
      // `npm run test:e2e` runs `vite build` first; this serves dist/.
      command: `npx vite preview --host 127.0.0.1 --port ${APP_PORT} --strictPort`,
      url: `http://127.0.0.1:${APP_PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      command: 'node tests/mock/server.mjs',
      url: `http://127.0.0.1:${MOCK_PORT}/v1/models`,
      env: { MOCK_PORT },
      reuseExistingServer: !process.env.CI,
      timeout: 10_000,
    },
  ],
})
