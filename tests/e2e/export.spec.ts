import { test, expect } from '@playwright/test'
import {
  configure,
  contentOf,
  expectCleanPage,
  expectStatus,
  exportTxt,
  expectSameText,
  partText,
  send,
  waitForChatRequests,
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

  // Answers are compared with the raw text the mock sent (the page may render Markdown).
  const requests = await waitForChatRequests(5)
  expect(requests).toHaveLength(5)
  const sent = (i: number): string => requests[i]?.sent.content ?? ''
  const e3 = await partText(a3, 'message-error')
  const e4 = await partText(a4, 'message-error')
  expect(sent(0).length).toBeGreaterThan(0)
  expect(sent(2).length).toBeGreaterThan(0)
  expect(sent(4).length).toBeGreaterThan(0)
  expect(e3).toContain('upstream overloaded')
  expect(e4).toContain('Insufficient Balance')
  expect(await contentOf(a4)).toBe('')

  const { download, text } = await exportTxt(page)
  const ended = Date.now()
  expect(download.suggestedFilename()).toBe('conversation.txt')

  const turn = (q: string, body: string): string => `\n\\[${TS}\\] Question:\n${escape(q)}\n\n\\[${TS}\\] Answer:\n${body}`
  const pattern =
    '^' +
    turn(q1, `${escape(sent(0))}\n${DASHES}\n`) +
    // Where a stop lands is up to timing: capture the kept text and check it below.
    turn(q2, `(?<stopped>[^\n]+)\n${escape('[stopped by user]')}\n${DASHES}\n`) +
    turn(q3, `${escape(sent(2))}\n请求错误: ${escape(e3)}\n`) +
    turn(q4, `请求错误: ${escape(e4)}\n`) +
    turn(q5, `(?<dropped>[^\n]+)\n${escape('[interrupted: the connection ended before the answer was complete]')}\n${DASHES}\n`) +
    '$'
  const match = new RegExp(pattern).exec(text)
  expect(match, `conversation.txt:\n${text}`).not.toBeNull()
  const stopped = match?.groups?.stopped ?? ''
  expect(sent(1).startsWith(stopped), 'the stopped text is a prefix of what the mock sent').toBe(true)
  expectSameText(await contentOf(a2), stopped, 'stopped answer')
  // A dropped body may lose its unread tail (see errors.spec.ts): a prefix of what was sent.
  const dropped = match?.groups?.dropped ?? ''
  expect(sent(4).startsWith(dropped), 'the interrupted text is a prefix of what the mock sent').toBe(true)
  expectSameText(await contentOf(a5), dropped, 'interrupted answer')

  // Ten timestamps (question and answer of five turns), local Shanghai time of when each was asked.
  const stamps = [...text.matchAll(/^\[(.+)\] (?:Question|Answer):$/gm)].map((m) => m[1] ?? '')
  expect(stamps).toHaveLength(10)
  const times = stamps.map(shanghaiToEpoch)
  for (const at of times) {
    expect(at).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 - 1000)
    expect(at).toBeLessThanOrEqual(ended + 1000)
  }
  // Stamps never go backwards.
  expect([...times].sort((a, b) => a - b)).toEqual(times)

  expect(text).not.toContain(apiKey)
})
