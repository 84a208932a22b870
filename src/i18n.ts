import { createI18n, useI18n } from 'petite-vue-i18n'
import { loadEnglishSync, loadMessages, messagesOf, messageFunctions, setCurrentLocale, flattenParams, type Locale, type MessageKey, type MessageParams, type Text } from './locales'

/**
 * Vue I18n in Composition mode, in its petite build: the same `createI18n`/`useI18n`/`t`, without
 * the legacy API, number and date formatting we do not use (dates and numbers go through `Intl`),
 * which keeps about 5 KiB gzip out of the first load. Its JIT message compiler needs no `eval`, so
 * the page's CSP stays as strict as before. The language follows the browser until the user picks one in Settings.
 */
export const i18n = createI18n({
  legacy: false,
  // English until `applyLocale` has the chosen language's chunk: never a half-translated screen.
  locale: 'en',
  fallbackLocale: 'en',
  // Flattened (the petite build looks keys up as given) and as functions (no compiler is shipped).
  messages: { en: messageFunctions(messagesOf('en')!) },
})

let switching = 0

function show(locale: Locale): void {
  const messages = messagesOf(locale)!
  // The instance's type knows only the locale it was created with; the others are added here.
  const global = i18n.global as unknown as { availableLocales: string[]; locale: { value: string }; setLocaleMessage(l: string, m: Record<string, unknown>): void }
  if (!global.availableLocales.includes(locale)) global.setLocaleMessage(locale, messageFunctions(messages))
  setCurrentLocale(locale)
  global.locale.value = locale
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

/**
 * Switches every text on the page at once, and tells assistive technology the page's language.
 * A language not loaded yet is fetched first; of two quick switches the last one wins.
 */
export async function applyLocale(locale: Locale): Promise<void> {
  const token = ++switching
  if (!messagesOf(locale)) await loadMessages(locale)
  if (token === switching) show(locale)
}

/**
 * Makes Settings → Sync's texts available in English, the fallback of every language (Chinese
 * carries its own in its chunk). Awaited before that panel renders.
 */
export async function loadSyncTexts(): Promise<void> {
  const sync = await loadEnglishSync()
  const global = i18n.global as unknown as { mergeLocaleMessage(l: string, m: Record<string, unknown>): void }
  global.mergeLocaleMessage('en', messageFunctions({ sync }))
}

/**
 * The translate function for components, with message keys checked at compile time:
 * `t('no.such.key')` fails the typecheck.
 */
export function useT(): (key: MessageKey, params?: MessageParams) => string {
  const { t } = useI18n()
  return (key, params) => t(key, params ?? {})
}

/** Renders a piece of text that core or a store chose (an error, a notice) in the current language. */
export function useText(): (text: Text | readonly Text[]) => string {
  const t = useT()
  const one = (text: Text): string => t(text.key, flattenParams(text, one))
  return (text) => ('key' in text ? one(text as Text) : (text as readonly Text[]).map(one).join(''))
}
