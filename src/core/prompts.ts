/**
 * The prompt library: saved prompts with `{{variable}}` fill-ins, the built-ins `{{date}}` and
 * `{{time}}`, filtering as the user types, and the JSON file they are exported to and imported from.
 * Prompt text is the user's data: it is never passed through the UI's message translator.
 */
import { newId } from './id'

/** One saved prompt. */
export interface Prompt {
  id: string
  title: string
  text: string
  createdAt: number
  updatedAt: number
}

/** Variables filled in from the clock and the UI language, never asked for. */
export const BUILT_IN_VARIABLES = ['date', 'time'] as const

/** The `format` field of an exported prompts file. */
export const PROMPTS_FILE_FORMAT = 'inkstream-prompts'
/** The version of the prompts file this build writes and reads. */
export const PROMPTS_FILE_VERSION = 1
/** The download name of an export. */
export const PROMPTS_FILE_NAME = 'inkstream-prompts.json'
/** Limits that keep one bad file from filling the browser's storage. */
export const PROMPT_LIMITS = { count: 1000, title: 200, text: 100_000 } as const

// Names are letters (any script), digits, `_` and `-`: `{{主题}}`, `{{topic_1}}`.
const VARIABLE = /\{\{\s*([\p{L}\p{N}_-]+)\s*\}\}/gu

/** The names of a text's `{{variables}}` the user must fill in, in order of first use, without the built-ins. */
export function promptVariables(text: string): string[] {
  const names: string[] = []
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1] as string
    if (!names.includes(name) && !(BUILT_IN_VARIABLES as readonly string[]).includes(name)) names.push(name)
  }
  return names
}

/** Where and in which language `{{date}}` and `{{time}}` are filled in. */
export interface FillContext {
  now: Date
  /** A BCP 47 tag (`zh-CN`, `en`) for `Intl.DateTimeFormat`. */
  locale: string
  /** A time zone for `Intl`; the system's when unset. */
  timeZone?: string
}

/**
 * The text with every `{{name}}` replaced by `values[name]`, and `{{date}}`/`{{time}}` by the
 * current date and time in the UI language. A variable without a value is left as written, so
 * nothing the user typed silently disappears.
 */
export function fillPrompt(text: string, values: Readonly<Record<string, string>>, context: FillContext): string {
  const { now, locale, timeZone } = context
  const builtIns: Record<string, string> = {
    date: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(now),
    time: new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone }).format(now),
  }
  return text.replace(VARIABLE, (whole, name: string) => values[name] ?? builtIns[name] ?? whole)
}

/**
 * The prompts whose title or text contains `query`, ignoring case (plain substring matching, which
 * works the same for Chinese and English); title matches first, each group in the given order.
 */
export function filterPrompts(prompts: readonly Prompt[], query: string): Prompt[] {
  const q = query.trim().toLocaleLowerCase()
  if (q === '') return [...prompts]
  const inTitle = prompts.filter((p) => p.title.toLocaleLowerCase().includes(q))
  const inText = prompts.filter((p) => !inTitle.includes(p) && p.text.toLocaleLowerCase().includes(q))
  return [...inTitle, ...inText]
}

/** A new prompt with a fresh id. */
export function createPrompt(title: string, text: string, now: number): Prompt {
  return { id: newId(), title, text, createdAt: now, updatedAt: now }
}

/** The JSON file of an export (stable field order, readable indentation). */
export function exportPrompts(prompts: readonly Prompt[]): string {
  const file = {
    format: PROMPTS_FILE_FORMAT,
    version: PROMPTS_FILE_VERSION,
    prompts: prompts.map(({ id, title, text, createdAt, updatedAt }) => ({ id, title, text, createdAt, updatedAt })),
  }
  return `${JSON.stringify(file, null, 2)}\n`
}

/** What is wrong with a prompts file; the UI words it by `problem`. */
export type PromptImportProblem =
  /** The file is not JSON at all. */
  | 'not-json'
  /** JSON, but not a prompts file (no `format: "inkstream-prompts"` and not a list). */
  | 'not-prompts-file'
  /** A prompts file of a newer version. */
  | 'unsupported-version'
  /** More than `PROMPT_LIMITS.count` prompts. */
  | 'too-many'
  /** An entry is not an object. */
  | 'not-object'
  /** A required text field is missing or not text. */
  | 'not-text'
  /** A title that is empty after trimming. */
  | 'empty'
  /** A text longer than its limit. */
  | 'too-long'
  /** A time that is not a number of milliseconds. */
  | 'not-time'

/** Thrown by `parsePromptsFile`: which field (`prompts[2].title`) and what is wrong with it. */
export class PromptImportError extends Error {
  readonly problem: PromptImportProblem
  /** The field's path, `''` for the file as a whole. */
  readonly path: string
  /** The limit broken (`too-many`, `too-long`). */
  readonly limit?: number

  constructor(problem: PromptImportProblem, path = '', limit?: number) {
    super(`${path === '' ? 'prompts file' : path}: ${problem}${limit === undefined ? '' : ` (limit ${limit})`}`)
    this.name = 'PromptImportError'
    this.problem = problem
    this.path = path
    this.limit = limit
  }
}

/**
 * Reads an exported prompts file (or a bare JSON list of `{title, text}`), checking every entry
 * before returning any: one bad field rejects the whole file with a `PromptImportError`. Entries
 * without an id get a new one; missing times become `now`.
 */
export function parsePromptsFile(json: string, now: number): Prompt[] {
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    throw new PromptImportError('not-json')
  }
  let entries: unknown
  let base = 'prompts'
  if (Array.isArray(data)) {
    entries = data
    base = ''
  } else if (isObject(data) && data.format === PROMPTS_FILE_FORMAT) {
    if (data.version !== PROMPTS_FILE_VERSION) throw new PromptImportError('unsupported-version', 'version')
    entries = data.prompts
    if (!Array.isArray(entries)) throw new PromptImportError('not-prompts-file', 'prompts')
  } else {
    throw new PromptImportError('not-prompts-file')
  }
  const list = entries as unknown[]
  if (list.length > PROMPT_LIMITS.count) throw new PromptImportError('too-many', base, PROMPT_LIMITS.count)
  return list.map((entry, index) => readEntry(entry, `${base}[${index}]`, now))
}

function readEntry(entry: unknown, path: string, now: number): Prompt {
  if (!isObject(entry)) throw new PromptImportError('not-object', path)
  const title = readText(entry, 'title', path, PROMPT_LIMITS.title)
  if (title.trim() === '') throw new PromptImportError('empty', `${path}.title`)
  const text = readText(entry, 'text', path, PROMPT_LIMITS.text)
  const id = entry.id === undefined ? newId() : readText(entry, 'id', path, 200)
  const createdAt = readTime(entry, 'createdAt', path, now)
  const updatedAt = readTime(entry, 'updatedAt', path, createdAt)
  return { id: id === '' ? newId() : id, title: title.trim(), text, createdAt, updatedAt }
}

function readText(entry: Record<string, unknown>, field: string, path: string, limit: number): string {
  const value = entry[field]
  if (typeof value !== 'string') throw new PromptImportError('not-text', `${path}.${field}`)
  if (value.length > limit) throw new PromptImportError('too-long', `${path}.${field}`, limit)
  return value
}

function readTime(entry: Record<string, unknown>, field: string, path: string, fallback: number): number {
  const value = entry[field]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new PromptImportError('not-time', `${path}.${field}`)
  return value
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Imported prompts merged into the library: one with an id already there replaces it, one whose
 * title and text are already there is skipped, the rest are added at the end.
 */
export function mergePrompts(existing: readonly Prompt[], imported: readonly Prompt[]): { prompts: Prompt[]; added: number; updated: number } {
  const prompts = [...existing]
  let added = 0
  let updated = 0
  for (const prompt of imported) {
    const index = prompts.findIndex((p) => p.id === prompt.id)
    if (index >= 0) {
      const old = prompts[index] as Prompt
      if (old.title !== prompt.title || old.text !== prompt.text) {
        prompts[index] = prompt
        updated++
      }
    } else if (!prompts.some((p) => p.title === prompt.title && p.text === prompt.text)) {
      prompts.push(prompt)
      added++
    }
  }
  return { prompts, added, updated }
}
