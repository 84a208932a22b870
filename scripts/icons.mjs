// Renders the PNG icons of the web app manifest from public/favicon.svg in the system Chromium.
// Run by hand after changing the SVG: node scripts/icons.mjs
import { chromium } from '@playwright/test'
import fs from 'fs'
const svg = fs.readFileSync('public/favicon.svg', 'utf8')
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
const page = await browser.newPage()
async function shot(size, maskable, out) {
  await page.setViewportSize({ width: size, height: size })
  // Maskable: the glyph sits inside the 80% safe zone on a full-bleed background.
  const inner = maskable
    ? `<div style="width:${size}px;height:${size}px;background:#3b5bdb;display:flex;align-items:center;justify-content:center"><div style="width:${size*0.8}px;height:${size*0.8}px">${svg.replace('rx="14"','rx="0"').replace('<svg ','<svg width="100%" height="100%" ')}</div></div>`
    : `<div style="width:${size}px;height:${size}px">${svg.replace('<svg ','<svg width="100%" height="100%" ')}</div>`
  await page.setContent(`<html><body style="margin:0;background:transparent">${inner}</body></html>`)
  await page.screenshot({ path: out, omitBackground: true })
}
await shot(192, false, 'public/icon-192.png')
await shot(512, false, 'public/icon-512.png')
await shot(512, true, 'public/icon-maskable-512.png')
await shot(180, true, 'public/apple-touch-icon.png')
await browser.close()
