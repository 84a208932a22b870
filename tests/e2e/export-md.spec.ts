import { readFile } from 'node:fs/promises'
import { test, expect } from '@playwright/test'
import { configure, expectCleanPage, expectStatus, send, waitForChatRequests, watchPage } from './helpers'

// Timestamps are the browser's local time; pin the zone (and the language of the headings).
test.use({ timezoneId: 'Asia/Shanghai', locale: 'en-US' })

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

/** Epoch ms of a `YYYY-MM-DD HH:MM:SS` time in UTC+8. */
function shanghaiToEpoch(ts: string): number {
  return Date.parse(`${ts.replace(' ', 'T')}+08:00`)
}

test('export-md downloads the conversation as Markdown: fenced questions, reasoning, answers, markers', async ({ page }) => {
  const started = Date.now()
  await configure(page, { exportReasoning: true })
  await expect(page.getByTestId('export-md')).toBeDisabled()

  const q1 = '# Why: 1/2?\n- not a list mock:reasoning'
  const a1 = await send(page, q1)
  await expectStatus(a1, 'done')
  const q2 = 'Pay ``me`` mock:402'
  const a2 = await send(page, q2)
  await expectStatus(a2, 'error')
  const requests = await waitForChatRequests(2)
  const first = requests[0]?.sent ?? { content: '', reasoning: '' }
  expect(first.reasoning.length).toBeGreaterThan(0)
  expect(first.content.length).toBeGreaterThan(0)

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-md').click()])
  const text = await readFile(await download.path(), 'utf8')
  const ended = Date.now()
  // The title is the first line of the first question, with the characters files cannot hold removed.
  expect(download.suggestedFilename()).toBe('# Why 1 2.md')

  const stamps = [...text.matchAll(/^## (?:You|Assistant) · (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$/gm)].map((m) => m[1] ?? '')
  expect(stamps, text).toHaveLength(4)
  for (const at of stamps.map(shanghaiToEpoch)) {
    expect(at).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 - 1000)
    expect(at).toBeLessThanOrEqual(ended + 1000)
  }
  const error = /^> \*\*Request error:\*\* (.+)$/m.exec(text)?.[1] ?? ''
  expect(error).toContain('Insufficient Balance')

  const [s1, s2, s3, s4] = stamps
  expect(text).toBe(
    [
      '# \\# Why: 1/2?',
      `## You · ${s1}`,
      '```text\n# Why: 1/2?\n- not a list mock:reasoning\n```',
      `## Assistant · ${s2}`,
      `<details>\n<summary>Reasoning</summary>`,
      '```text\n' + first.reasoning + '\n```',
      '</details>',
      first.content.trimEnd(),
      `## You · ${s3}`,
      '```text\nPay ``me`` mock:402\n```',
      `## Assistant · ${s4}`,
      `> **Request error:** ${error}`,
    ].join('\n\n') + '\n',
  )
})
