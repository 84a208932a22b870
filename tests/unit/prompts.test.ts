import { describe, expect, it } from 'vitest'
import {
  PromptImportError,
  createPrompt,
  exportPrompts,
  fillPrompt,
  filterPrompts,
  mergePrompts,
  parsePromptsFile,
  promptVariables,
  type Prompt,
} from '../../src/core/prompts'

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5)
const p = (id: string, title: string, text: string): Prompt => ({ id, title, text, createdAt: 1, updatedAt: 2 })

function importError(json: string): PromptImportError {
  try {
    parsePromptsFile(json, NOW)
  } catch (error) {
    if (error instanceof PromptImportError) return error
    throw error
  }
  throw new Error('expected the file to be rejected')
}

describe('promptVariables', () => {
  it('lists each variable once, in order, without the built-ins', () => {
    expect(promptVariables('Translate {{text}} into {{ 语言 }}; again {{text}}, on {{date}} at {{time}}')).toEqual(['text', '语言'])
    expect(promptVariables('no variables, {single} or {{ }} or {{two words}}')).toEqual([])
  })
})

describe('fillPrompt', () => {
  const context = { now: new Date(NOW), timeZone: 'Asia/Shanghai' }
  it('fills variables and the built-ins in the UI language', () => {
    expect(fillPrompt('{{greeting}}, {{ name }}! {{date}} {{time}}', { greeting: 'Hi', name: 'Ann' }, { ...context, locale: 'en' })).toBe(
      'Hi, Ann! January 2, 2024 11:04 AM',
    )
    expect(fillPrompt('今天是 {{date}}，{{time}}', {}, { ...context, locale: 'zh-CN' })).toBe('今天是 2024年1月2日，11:04')
  })

  it('leaves a variable without a value as written, and never reads values as patterns', () => {
    expect(fillPrompt('{{a}} {{b}}', { a: '$& {{b}}' }, { ...context, locale: 'en' })).toBe('$& {{b}} {{b}}')
  })
})

describe('filterPrompts', () => {
  const list = [p('1', 'Translate', 'Into {{语言}}'), p('2', '周报', 'Summarise this week'), p('3', 'Code review', 'Review this translation code')]
  it('matches title or text, case-insensitively, titles first', () => {
    expect(filterPrompts(list, 'TRANS').map((x) => x.id)).toEqual(['1', '3'])
    expect(filterPrompts(list, '周').map((x) => x.id)).toEqual(['2'])
    expect(filterPrompts(list, '语言').map((x) => x.id)).toEqual(['1'])
    expect(filterPrompts(list, '  ').map((x) => x.id)).toEqual(['1', '2', '3'])
    expect(filterPrompts(list, 'nothing')).toEqual([])
  })
})

describe('prompts file', () => {
  it('round-trips an export', () => {
    const list = [createPrompt('翻译', 'Translate {{text}}', NOW), p('x', 'Two', 'lines\nhere')]
    const json = exportPrompts(list)
    expect(JSON.parse(json)).toMatchObject({ format: 'inkstream-prompts', version: 1 })
    expect(parsePromptsFile(json, NOW + 5)).toEqual(list)
  })

  it('reads a bare list, giving missing ids and times', () => {
    const [one] = parsePromptsFile('[{"title":" Hi ","text":"Hello"}]', NOW)
    expect(one).toMatchObject({ title: 'Hi', text: 'Hello', createdAt: NOW, updatedAt: NOW })
    expect(one?.id).toMatch(/^[0-9a-f-]{32,36}$/)
  })

  it('says which field is wrong and what is wrong with it, rejecting the whole file', () => {
    const file = (prompts: unknown): string => JSON.stringify({ format: 'inkstream-prompts', version: 1, prompts })
    const cases: Array<[string, string, string]> = [
      ['{nope', 'not-json', ''],
      ['{"a":1}', 'not-prompts-file', ''],
      ['"text"', 'not-prompts-file', ''],
      [JSON.stringify({ format: 'inkstream-prompts', version: 2, prompts: [] }), 'unsupported-version', 'version'],
      [JSON.stringify({ format: 'inkstream-prompts', version: 1 }), 'not-prompts-file', 'prompts'],
      [file([{ title: 'ok', text: 'ok' }, 3]), 'not-object', 'prompts[1]'],
      [file([{ title: 'ok', text: 'ok' }, { text: 'x' }]), 'not-text', 'prompts[1].title'],
      [file([{ title: '  ', text: 'x' }]), 'empty', 'prompts[0].title'],
      [file([{ title: 'a', text: 5 }]), 'not-text', 'prompts[0].text'],
      [file([{ title: 'a', text: 'x'.repeat(100_001) }]), 'too-long', 'prompts[0].text'],
      [file([{ title: 'a', text: 'b', createdAt: 'yesterday' }]), 'not-time', 'prompts[0].createdAt'],
      ['[{"title":"a","text":"b","id":7}]', 'not-text', '[0].id'],
      [file(Array.from({ length: 1001 }, () => ({ title: 'a', text: 'b' }))), 'too-many', 'prompts'],
    ]
    for (const [json, problem, path] of cases) {
      const error = importError(json)
      expect({ problem: error.problem, path: error.path }, json.slice(0, 60)).toEqual({ problem, path })
    }
    expect(importError(file([{ title: 'a', text: 'x'.repeat(100_001) }])).limit).toBe(100_000)
  })
})

describe('mergePrompts', () => {
  it('replaces by id, skips exact duplicates, adds the rest', () => {
    const existing = [p('1', 'A', 'a'), p('2', 'B', 'b')]
    const result = mergePrompts(existing, [p('1', 'A2', 'a2'), p('9', 'B', 'b'), p('3', 'C', 'c'), p('2', 'B', 'b')])
    expect(result.prompts.map((x) => `${x.id}:${x.title}`)).toEqual(['1:A2', '2:B', '3:C'])
    expect({ added: result.added, updated: result.updated }).toEqual({ added: 1, updated: 1 })
  })
})
