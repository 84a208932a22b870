import { describe, expect, it } from 'vitest'
import { createI18n } from 'petite-vue-i18n'
import { LOCALES, detectLocale, loadEnglishSync, messageFunctions, render, type MessageKey, type Messages } from '../../src/locales'
import { en } from '../../src/locales/en'
import { zhCN } from '../../src/locales/zh-CN'

// English's Sync section is a chunk of its own; the app loads it with its panel.
const MESSAGES: Record<'en' | 'zh-CN', Messages> = { en: { ...en, sync: await loadEnglishSync() }, 'zh-CN': zhCN }

/** Every dotted key of a messages object. */
function keys(node: unknown, prefix = ''): string[] {
  if (typeof node === 'string') return [prefix]
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

function paramsOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
}

const EN = keys(MESSAGES.en).sort()

describe('locales', () => {
  for (const locale of LOCALES) {
    it(`${locale} has exactly the keys of en, each non-empty and with the same parameters`, () => {
      expect(keys(MESSAGES[locale]).sort()).toEqual(EN)
      for (const key of EN) {
        const text = render(locale, key as MessageKey)
        expect(text.trim(), key).not.toBe('')
        expect(paramsOf(text), key).toEqual(paramsOf(render('en', key as MessageKey)))
      }
    })

    it(`${locale}: the i18n runtime renders every message as the plain renderer does (no stray syntax)`, () => {
      // As the app hands them over: functions, for the runtime without a message compiler.
      const messages = { en: messageFunctions(MESSAGES.en), 'zh-CN': messageFunctions(MESSAGES['zh-CN']) }
      const i18n = createI18n({ legacy: false, locale, messages, missingWarn: false, fallbackWarn: false })
      for (const key of EN) {
        const params = Object.fromEntries(paramsOf(render('en', key as MessageKey)).map((p) => [p, `<${p}>`]))
        expect(i18n.global.t(key, params), key).toBe(render(locale, key as MessageKey, params))
      }
    })
  }

  it('the Chinese text is Chinese: most messages differ from English', () => {
    const same = EN.filter((key) => render('zh-CN', key as MessageKey) === render('en', key as MessageKey))
    // Names (English, 中文) and symbols may be the same in both; nothing else.
    expect(same.length).toBeLessThan(EN.length * 0.1)
  })

  it('follows the browser: Chinese variants read Chinese, anything else English', () => {
    expect(detectLocale(['zh-CN', 'en'])).toBe('zh-CN')
    expect(detectLocale(['zh-TW'])).toBe('zh-CN')
    expect(detectLocale(['en-GB', 'zh-CN'])).toBe('en')
    expect(detectLocale(['fr-FR', 'zh'])).toBe('zh-CN')
    expect(detectLocale(['fr-FR'])).toBe('en')
    expect(detectLocale([])).toBe('en')
  })
})
