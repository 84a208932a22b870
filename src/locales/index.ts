/**
 * The UI's two languages as plain data, usable from Node (tests, core) as well as through vue-i18n
 * in components. Text is chosen by key and parameters, never by matching other text.
 */
import { en } from './en'

/** A language the UI is written in. */
export type Locale = 'zh-CN' | 'en'

/** Every locale, in the order the language menu lists them. */
export const LOCALES: readonly Locale[] = ['zh-CN', 'en']

import type { Messages } from './en'

export type { Messages }

type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>
}[keyof T & string]

/** A dotted key of a message, e.g. `composer.send`. */
export type MessageKey = Paths<Messages>

/** Parameters of a message: `{name}` in its text. */
export type MessageParams = Record<string, string | number>

/** A piece of UI text to be rendered in whichever language is current; a parameter may be text itself. */
export interface Text {
  key: MessageKey
  params?: Record<string, string | number | Text>
}

/** Renders the parameters that are text themselves, with `translate`, so only strings and numbers remain. */
export function flattenParams(text: Text, translate: (text: Text) => string): MessageParams {
  const out: MessageParams = {}
  for (const [name, value] of Object.entries(text.params ?? {})) out[name] = typeof value === 'object' ? translate(value) : value
  return out
}

/**
 * The locales loaded so far. English is always here (it is the fallback, and errors keep an
 * English `.message`); another language is a chunk of its own, fetched when it is first used, so
 * the first load carries one language's text instead of both.
 */
// English's Sync section arrives with its panel (`loadEnglishSync`); until then its keys are missing,
// which nothing outside that panel asks for.
const catalog: Partial<Record<Locale, Messages>> = { en: en as Messages }

let englishSync: Promise<Messages['sync']> | undefined

/** Loads English's Sync texts (once) into the catalog and returns them. */
export function loadEnglishSync(): Promise<Messages['sync']> {
  englishSync ??= import('./en-sync').then(({ enSync }) => (catalog.en!.sync = enSync))
  return englishSync
}

/** A locale's messages if they are loaded. */
export function messagesOf(locale: Locale): Messages | undefined {
  return catalog[locale]
}

/** Loads a locale's messages (once) and returns them. */
export async function loadMessages(locale: Locale): Promise<Messages> {
  const have = catalog[locale]
  if (have) return have
  const loaded = (await import('./zh-CN')).zhCN
  catalog[locale] = loaded
  return loaded
}

/** The locale for a browser's language list (`navigator.languages`): Chinese if it comes first, else English. */
export function detectLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const lower = language.toLowerCase()
    if (lower.startsWith('zh')) return 'zh-CN'
    if (lower.startsWith('en')) return 'en'
  }
  return 'en'
}

/** The message at a dotted key, or undefined. */
export function lookup(messages: Messages, key: string): string | undefined {
  let node: unknown = messages
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return typeof node === 'string' ? node : undefined
}

/** Renders a message outside Vue (core, tests) exactly as vue-i18n does for `{name}` parameters. */
export function render(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template = (catalog[locale] ? lookup(catalog[locale], key) : undefined) ?? lookup(catalog.en!, key) ?? key
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** Renders a Text (parameters that are text included) outside Vue. */
export function renderText(locale: Locale, text: Text): string {
  return render(locale, text.key, flattenParams(text, (inner) => renderText(locale, inner)))
}

/** A locale's messages keyed by their dotted path, the form the i18n runtime looks keys up in. */
export function flatMessages(messages: Partial<Messages>): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (node: unknown, prefix: string): void => {
    if (typeof node === 'string') out[prefix] = node
    else for (const [key, value] of Object.entries(node as Record<string, unknown>)) walk(value, prefix ? `${prefix}.${key}` : key)
  }
  walk(messages, '')
  return out
}

/** A message as Vue I18n's runtime takes it without a compiler: a function of its parameters. */
export type MessageFunction = (ctx: { named: (name: string) => unknown }) => string

/**
 * A locale's messages as functions, keyed by dotted path. They fill `{name}` exactly as `render`
 * does, so the page and core word every text alike, and no message syntax (`@`, `|`) can misfire.
 */
export function messageFunctions(messages: Partial<Messages>): Record<string, MessageFunction> {
  const out: Record<string, MessageFunction> = {}
  for (const [key, template] of Object.entries(flatMessages(messages))) {
    out[key] = (ctx) =>
      template.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const value = ctx.named(name)
        return value === undefined || value === null ? whole : String(value)
      })
  }
  return out
}

let current: Locale = 'en'

/** The language the page shows now (set by the i18n layer), for text built outside components. */
export function currentLocale(): Locale {
  return current
}

export function setCurrentLocale(locale: Locale): void {
  current = locale
}

/** Renders a message in the page's current language (Markdown controls, DOM helpers). */
export function renderNow(key: MessageKey, params: MessageParams = {}): string {
  return render(current, key, params)
}
