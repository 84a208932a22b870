import { test, expect } from '@playwright/test'
import {
  configure,
  contentOf,
  expectCleanPage,
  expectStatus,
  exportTxt,
  partText,
  send,
  watchPage,
} from './helpers'

// Timestamps are the browser's local time; pin the zone so they can be checked against the clock.
test.use({ timezoneId: 'Asia/Shanghai' })

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

const DASHES = '-'.repeat(40)
const TS = '(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})'
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Epoch ms of a `YYYY-MM-DD HH:MM:SS` time in UTC+8. */
function shanghaiToEpoch(ts: string): number {
  return Date.parse(`${ts.replace(' ', 'T')}+08:00`)
}

test('export-txt downloads conversation.txt in the exact classic format', async ({ page }) => {
  const started = Date.now()
  const { apiKey } = await configure(page)

  const q1 = 'Export me\nwith two lines 两行'
  const a1 = await send(page, q1)
  await expectStatus(a1, 'done')

  const q2 = 'Now a slow one mock:slow'
  const a2 = await send(page, q2)
  await expect.poll(async () => (await contentOf(a2)).length).toBeGreaterThan(10)
  await page.getByTestId('composer-stop').click()
  await expectStatus(a2, 'stopped')

  const q3 = 'This one breaks mock:midstream-error'
  const a3 = await send(page, q3)
  await expectStatus(a3, 'error')

  const q4 = 'This one is refused mock:402'
  const a4 = await send(page, q4)
  await expectStatus(a4, 'error')

  const q5 = 'And this one is cut mock:drop'
  const a5 = await send(page, q5)
  await expectStatus(a5, 'interrupted')

  const c1 = await contentOf(a1)
  const c2 = await contentOf(a2)
  const c3 = await contentOf(a3)
  const c5 = await contentOf(a5)
  const e3 = await partText(a3, 'message-error')
  const e4 = await partText(a4, 'message-error')
  expect(c1.length).toBeGreaterThan(0)
  expect(c2.length).toBeGreaterThan(0)
  expect(c3.length).toBeGreaterThan(0)
  expect(e3).toContain('upstream overloaded')
  expect(e4).toContain('Insufficient Balance')
  expect(await contentOf(a4)).toBe('')

  const { download, text } = await exportTxt(page)
  const ended = Date.now()
  expect(download.suggestedFilename()).toBe('conversation.txt')

  const turn = (q: string, body: string): string => `\n\\[${TS}\\] Question:\n${escape(q)}\n\n\\[${TS}\\] Answer:\n${body}`
  const pattern =
    '^' +
    turn(q1, `${escape(c1)}\n${DASHES}\n`) +
    turn(q2, `${escape(c2)}\n${escape('[stopped by user]')}\n${DASHES}\n`) +
    turn(q3, `${escape(c3)}\n请求错误: ${escape(e3)}\n`) +
    turn(q4, `请求错误: ${escape(e4)}\n`) +
    turn(q5, `${escape(c5)}\n${escape('[interrupted: the connection ended before the answer was complete]')}\n${DASHES}\n`) +
    '$'
  const match = new RegExp(pattern).exec(text)
  expect(match, `conversation.txt:\n${text}`).not.toBeNull()

  // Ten timestamps (question and answer of five turns), local Shanghai time of when each was asked.
  const stamps = (match ?? []).slice(1)
  expect(stamps).toHaveLength(10)
  for (const stamp of stamps) {
    const at = shanghaiToEpoch(stamp ?? '')
    expect(at).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 - 1000)
    expect(at).toBeLessThanOrEqual(ended + 1000)
  }
  // Stamps never go backwards.
  const times = stamps.map((s) => shanghaiToEpoch(s ?? ''))
  expect([...times].sort((a, b) => a - b)).toEqual(times)

  expect(text).not.toContain(apiKey)
})
