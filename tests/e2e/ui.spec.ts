// Issue 10 items 2–4: themes, the phone layout, the keyboard and screen readers, checked with axe.
import { test, expect, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { closeSettings, configure, expectCleanPage, lastAnswer, openSettings, send, watchPage } from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

const background = (page: Page): Promise<string> => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
const LIGHT_BG = 'rgb(247, 247, 248)'
const DARK_BG = 'rgb(22, 24, 28)'

async function chooseTheme(page: Page, theme: 'system' | 'light' | 'dark'): Promise<void> {
  await openSettings(page)
  await page.getByTestId('theme-select').selectOption(theme)
  await closeSettings(page)
}

/** Serious and critical axe findings on what is on screen now (every rule, color-contrast included). */
async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`)
  expect(serious, `axe on ${what}`).toEqual([])
  expect(results.passes.some((p) => p.id === 'color-contrast') || results.incomplete.some((p) => p.id === 'color-contrast'), `color-contrast ran on ${what}`).toBe(true)
}

test.describe('themes', () => {
  test('follow the system until one is chosen; the choice applies at once and before the first paint after a reload', async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: 'dark' })
    const page = await context.newPage()
    await watchPage(page)
    await page.goto('/')
    await expect(page.getByTestId('composer-input')).toBeVisible()
    expect(await background(page)).toBe(DARK_BG)
    await openSettings(page)
    await expect(page.getByTestId('theme-select')).toHaveValue('system')
    await page.getByTestId('theme-select').selectOption('light')
    // At once, with Settings still open.
    await expect.poll(() => background(page)).toBe(LIGHT_BG)
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
    await closeSettings(page)

    // Before stored settings can arrive (IndexedDB answers after DOMContentLoaded), the page is already light.
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        ;(window as unknown as { __early: string }).__early = `${document.documentElement.dataset.theme}|${getComputedStyle(document.documentElement).backgroundColor}`
      })
    })
    await page.reload()
    await expect(page.getByTestId('composer-input')).toBeVisible()
    expect(await page.evaluate(() => (window as unknown as { __early: string }).__early)).toBe(`light|${LIGHT_BG}`)
    await openSettings(page)
    await expect(page.getByTestId('theme-select')).toHaveValue('light')
    await page.getByTestId('theme-select').selectOption('system')
    await expect.poll(() => background(page)).toBe(DARK_BG)
    await closeSettings(page)
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./)
    await expectCleanPage(page)
    await context.close()
  })

  test('code highlighting and math follow the theme; the menu reads Chinese in zh-CN', async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: 'light', locale: 'zh-CN' })
    const page = await context.newPage()
    await watchPage(page)
    await configure(page)
    await openSettings(page)
    await expect(page.getByTestId('theme-select').locator('option')).toHaveText(['跟随系统', '浅色', '深色'])
    await closeSettings(page)
    const answer = await send(page, 'fib mock:markdown')
    await expect(answer).toHaveAttribute('data-status', 'done')
    const keyword = answer.locator('.hljs-keyword').first()
    const formula = answer.locator('.katex').first()
    await expect(keyword).toBeVisible()
    await expect(formula).toBeVisible()
    const colours = async () => ({
      keyword: await keyword.evaluate((el) => getComputedStyle(el).color),
      math: await formula.evaluate((el) => getComputedStyle(el).color),
      text: await answer.evaluate((el) => getComputedStyle(el).color),
    })
    const light = await colours()
    expect(light.keyword).toBe('rgb(176, 42, 125)')
    expect(light.math).toBe(light.text)
    await chooseTheme(page, 'dark')
    const dark = await colours()
    expect(dark.keyword).toBe('rgb(255, 122, 178)')
    expect(dark.math).toBe(dark.text)
    expect(dark.text).not.toBe(light.text)
    await expectCleanPage(page)
    await context.close()
  })
})

test.describe('phone layout', () => {
  test.use({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true })

  test('the list is a drawer: the toggle opens it, a choice, Esc and a backdrop tap close it; nothing scrolls sideways', async ({ page }) => {
    await configure(page)
    const first = await send(page, 'first mock:wide')
    await expect(first).toHaveAttribute('data-status', 'done')
    await expect(first.locator('.md-code code')).toBeVisible()
    await page.getByTestId('composer-input').fill('A long word: ' + 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(6))
    await page.getByTestId('composer-send').tap()
    await expect(lastAnswer(page)).toHaveAttribute('data-status', 'done')
    const width = () => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }))
    let size = await width()
    expect(size.scroll).toBeLessThanOrEqual(size.inner)

    const drawer = page.locator('#sidebar')
    const toggle = page.getByTestId('sidebar-toggle')
    await expect(drawer).not.toBeInViewport()
    await expect(toggle).toHaveAttribute('aria-expanded', 'false')
    await toggle.tap()
    await expect(drawer).toBeInViewport({ ratio: 1 })
    await expect(toggle).toHaveAttribute('aria-expanded', 'true')
    size = await width()
    expect(size.scroll).toBeLessThanOrEqual(size.inner)

    // Esc closes it.
    await page.keyboard.press('Escape')
    await expect(drawer).not.toBeInViewport()
    await expect(toggle).toBeFocused()

    // A tap beside it closes it.
    await toggle.tap()
    await expect(drawer).toBeInViewport({ ratio: 1 })
    await page.getByTestId('drawer-backdrop').tap({ position: { x: 360, y: 400 } })
    await expect(drawer).not.toBeInViewport()

    // Choosing a conversation closes it and opens that conversation.
    await page.getByTestId('conversation-new').evaluate((el: HTMLElement) => el.click())
    await toggle.tap()
    await expect(page.getByTestId('conversation-item')).toHaveCount(2)
    await page.getByTestId('conversation-item').filter({ hasText: 'first' }).tap()
    await expect(drawer).not.toBeInViewport()
    await expect(page.getByTestId('message')).toHaveCount(4)
  })

  test('touch targets are at least 44 px and the composer sits at the bottom of the visible area', async ({ page }) => {
    await configure(page)
    await send(page, 'hello mock:markdown')
    await expect(lastAnswer(page)).toHaveAttribute('data-status', 'done')
    const small = async () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('button, select, input:not([type=checkbox]), textarea, a[href], summary')]
          .filter((el) => {
            const r = el.getBoundingClientRect()
            return r.width > 0 && r.height > 0 && !el.closest('[inert]') && getComputedStyle(el).visibility !== 'hidden'
          })
          .filter((el) => el.tagName !== 'A' || el.closest('.markdown') === null) // links inside running text are exempt (WCAG 2.5.8)
          .map((el) => ({ what: el.dataset.testid ?? el.className ?? el.tagName, ...el.getBoundingClientRect().toJSON() }))
          .filter((r) => r.width < 44 || r.height < 44)
          .map((r) => `${r.what} ${Math.round(r.width)}×${Math.round(r.height)}`),
      )
    expect(await small(), 'chat screen').toEqual([])
    await page.getByTestId('sidebar-toggle').tap()
    await expect(page.locator('#sidebar')).toBeInViewport({ ratio: 1 })
    expect(await small(), 'drawer').toEqual([])

    // The layout is exactly as tall as the visible area (100dvh), so the composer ends where it ends.
    await page.keyboard.press('Escape')
    const composer = await page.locator('.composer').boundingBox()
    const height = await page.evaluate(() => window.innerHeight)
    expect(Math.round((composer?.y ?? 0) + (composer?.height ?? 0))).toBe(height)
    await expect(page.locator('meta[name=viewport]')).toHaveAttribute('content', /interactive-widget=resizes-content/)
  })
})

test.describe('keyboard', () => {
  test('every shortcut works from the keyboard alone, and the help panel lists them', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await configure(page)
    const composer = page.getByTestId('composer-input')
    await composer.fill('first question')
    await composer.press('Enter')
    await expect(lastAnswer(page)).toHaveAttribute('data-status', 'done')

    // ? opens help when not typing, and is typed as text in the composer.
    await composer.press('?')
    await expect(composer).toHaveValue('?')
    await composer.fill('')
    await composer.blur()
    await page.keyboard.press('?')
    const help = page.getByTestId('shortcuts-help')
    await expect(help).toBeVisible()
    await expect(help.getByTestId('shortcut-row')).toHaveCount(9)
    await expect(help).toContainText('Ctrl')
    await page.keyboard.press('Escape')
    await expect(help).toBeHidden()

    // Copy the last answer.
    await page.keyboard.press('Control+Shift+C')
    await expect(page.getByTestId('live-status')).toHaveText('Last answer copied.')
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied).toContain('You asked: "first question"')

    // Search, then focus the composer.
    await page.keyboard.press('Control+K')
    await expect(page.getByTestId('search-input')).toBeFocused()
    await page.keyboard.press('Shift+Escape')
    await expect(composer).toBeFocused()

    // New chat.
    await page.keyboard.press('Control+Shift+O')
    await expect(page.getByTestId('message')).toHaveCount(0)
    await expect(composer).toBeFocused()

    // Toggle the sidebar (a column on a wide screen).
    await page.keyboard.press('Control+Shift+S')
    await expect(page.locator('#sidebar')).toBeHidden()
    await expect(page.getByTestId('sidebar-toggle')).toHaveAttribute('aria-expanded', 'false')
    await page.keyboard.press('Control+Shift+S')
    await expect(page.locator('#sidebar')).toBeVisible()

    // Stop, with the progress announced politely: the start and the end, not the tokens.
    await composer.fill('long one mock:slow:80:60')
    await composer.press('Enter')
    const live = page.getByTestId('live-status')
    await expect(live).toHaveAttribute('aria-live', 'polite')
    await expect(live).toHaveText('Answering…')
    await expect(lastAnswer(page).getByTestId('message-content')).not.toBeEmpty()
    await page.keyboard.press('Escape')
    await expect(lastAnswer(page)).toHaveAttribute('data-status', 'stopped')
    await expect(live).toHaveText('The answer was stopped.')
  })

  test('keyboard only: open a conversation, Settings and the help button with Tab and Enter; focus is visible', async ({ page }) => {
    await configure(page)
    await expect(await send(page, 'alpha')).toHaveAttribute('data-status', 'done')
    await page.getByTestId('conversation-new').click()
    await expect(await send(page, 'beta')).toHaveAttribute('data-status', 'done')
    await page.getByTestId('search-input').focus()
    // Tab from the search box reaches the first conversation's open button.
    await page.keyboard.press('Tab')
    const focused = page.locator(':focus')
    await expect(focused).toHaveClass(/conversation-title/)
    const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle)
    expect(outline).toBe('solid')
    // Tab on, past each conversation's pin, rename and delete buttons, to alpha's title.
    for (let i = 0; i < 8 && (await focused.textContent()) !== 'alpha'; i++) await page.keyboard.press('Tab')
    await expect(focused).toHaveText('alpha')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('message').first()).toContainText('alpha')

    await page.getByTestId('shortcuts-open').focus()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('shortcuts-help')).toBeVisible()
    await expect(page.getByTestId('shortcuts-close')).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('shortcuts-help')).toBeHidden()

    await page.getByTestId('settings-open').focus()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('theme-select')).toBeVisible()
  })

  test('zh-CN: the help panel and announcements read Chinese', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'zh-CN' })
    const page = await context.newPage()
    await watchPage(page)
    await configure(page)
    await send(page, '你好')
    await expect(page.getByTestId('live-status')).toHaveText('回答已完成。')
    await page.getByTestId('shortcuts-open').click()
    const help = page.getByTestId('shortcuts-help')
    await expect(help.locator('h2')).toHaveText('键盘快捷键')
    await expect(help).toContainText('复制最后一个回答')
    await expect(page.getByTestId('shortcuts-close')).toHaveAttribute('aria-label', '关闭键盘快捷键')
    await expect(page.getByTestId('sidebar-toggle')).toHaveAttribute('aria-label', '显示或隐藏对话列表')
    await expectCleanPage(page)
    await context.close()
  })
})

test.describe('axe', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`no serious or critical violation on the main screens, ${theme} theme`, async ({ browser }) => {
      const context = await browser.newContext({ colorScheme: theme })
      const page = await context.newPage()
      await watchPage(page)
      await configure(page)
      await send(page, 'code please mock:markdown')
      await expect(lastAnswer(page)).toHaveAttribute('data-status', 'done')
      await send(page, 'an error mock:402')
      await expect(lastAnswer(page)).toHaveAttribute('data-status', 'error')
      await expect(page.locator('.katex').first()).toBeVisible()
      await expectNoSeriousViolations(page, 'chat with messages')

      await openSettings(page)
      await expectNoSeriousViolations(page, 'Settings')
      await closeSettings(page)

      await page.getByTestId('search-input').fill('code')
      await expect(page.getByTestId('search-result').first()).toBeVisible()
      await expectNoSeriousViolations(page, 'search')
      await page.getByTestId('search-input').fill('')

      await page.getByTestId('shortcuts-open').click()
      await expect(page.getByTestId('shortcuts-help')).toBeVisible()
      await expectNoSeriousViolations(page, 'shortcuts help')
      await page.getByTestId('shortcuts-close').click()

      await page.setViewportSize({ width: 375, height: 740 })
      await page.getByTestId('sidebar-toggle').click()
      await expect(page.locator('#sidebar')).toBeInViewport({ ratio: 1 })
      await expectNoSeriousViolations(page, 'phone drawer')
      await page.keyboard.press('Escape')
      await expectNoSeriousViolations(page, 'phone chat')
      await expectCleanPage(page)
      await context.close()
    })
  }
})
