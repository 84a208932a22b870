import { describe, expect, it } from 'vitest'
import { importText } from '../../../src/core/importers'
import { jsonErrorOffset } from '../../../src/core/importers/common'
import { seededRandom } from '../persistence/fixtures'
import { fixture, importError } from './helpers'

function parses(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

describe('jsonErrorOffset', () => {
  it.each([
    ['{}'], ['[]'], [' { "a" : [ 1, -2.5e+3, true, false, null, "x\\n\\u00e9\\"" ], "b": {} } '], ['0'], ['"only a string"'], ['[[[]]]'], ['-0.0E-0'],
  ])('finds nothing wrong in valid JSON: %s', (text) => {
    expect(parses(text)).toBe(true)
    expect(jsonErrorOffset(text)).toBeUndefined()
  })

  it.each([
    ['{"a": 1,}', 8],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['{"a":}', 5],
    ['[,1]', 1],
    ['{,}', 1],
    ['{"a":1}x', 7],
    ['nulx', 3],
    ['01', 1],
    ['-01', 2],
    ['[1.e5]', 3],
    ['[1.x]', 3],
    ['"a\\x"', 3],
    ['"tab\there"', 4],
    ['{\'a\': 1}', 1],
    ['[1]]', 3],
  ])('points at the first character that is not JSON: %s → %i', (text, offset) => {
    expect(parses(text)).toBe(false)
    expect(jsonErrorOffset(text)).toBe(offset)
  })

  it.each([['{'], ['['], ['{"a"'], ['{"a":'], ['{"a": 1,'], ['[1, '], ['"abc'], ['"a\\'], ['"a\\u12'], ['tru'], ['nul'], ['[1.'], ['-'], ['1e'], ['2.5E+'], ['{"a": [1, {"b": "c" ']])(
    'says a text that ends inside a value ends too early: %s',
    (text) => {
      expect(parses(text)).toBe(false)
      expect(jsonErrorOffset(text)).toBe(text.length)
    },
  )

  it('calls every cut of a real backup truncated, and only the whole file valid', () => {
    const text = fixture('nextchat-backup.json')
    for (let cut = 0; cut < text.trimEnd().length; cut += 7) {
      const prefix = text.slice(0, cut)
      expect(jsonErrorOffset(prefix), `cut at ${cut}`).toBeGreaterThanOrEqual(prefix.trimEnd().length)
    }
    expect(jsonErrorOffset(text)).toBeUndefined()
  })

  it('agrees with JSON.parse on which of 3,000 randomly damaged texts are JSON', () => {
    const base = JSON.stringify({ a: [1, -2.5e3, true, null, { b: 'c\\"d\u00e9' }], e: '', f: [[], {}], g: 0.5 })
    const random = seededRandom(7)
    const pick = (chars: string) => chars[Math.floor(random() * chars.length)]!
    let invalid = 0
    for (let round = 0; round < 3000; round++) {
      let text = base
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * (text.length + 1))
        text = random() < 0.5 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + pick('{}[],:"0e.-+x\\ u1') + text.slice(at)
      }
      const offset = jsonErrorOffset(text)
      expect(offset === undefined, text).toBe(parses(text))
      if (offset !== undefined) {
        invalid++
        expect(offset, text).toBeLessThanOrEqual(text.length)
      }
    }
    expect(invalid).toBeGreaterThan(1000)
  })

  it('scans deep nesting without running out of stack', () => {
    expect(jsonErrorOffset('['.repeat(100_000))).toBe(100_000)
    expect(jsonErrorOffset(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBeUndefined()
  })
})

describe('JSON that cannot be parsed', () => {
  it('a truncated file: kind syntax, the last line as a field, the truncated wording', () => {
    const text = '{\n  "chat-next-web-store": {\n    "sessions": [\n      { "id": "a", "messages": [\n'
    const error = importError(() => importText(text))
    expect(error.kind).toBe('syntax')
    expect(error.line).toBe(5)
    expect(error.column).toBeUndefined()
    expect(error.path).toBeUndefined()
    expect(error.problem).toMatchObject({ problem: 'json-truncated', format: 'json', line: 5 })
    expect(error.message).toMatch(/^JSON file, line 5: the JSON ends too early, so the file is probably truncated \(.+\)\. Nothing was imported\.$/)
  })

  it('a file cut in the middle of a string or number is truncated too, whatever the engine calls it', () => {
    for (const text of ['{"a": "unfinished', '{"a": 12.', '{"a": tr']) {
      expect(importError(() => importText(text)).problem).toMatchObject({ problem: 'json-truncated', line: 1 })
    }
  })

  it('an error in the middle: its line and column as fields', () => {
    const text = '{\n  "a": 1,\n  "b": [1, 2,, 3]\n}\n'
    const error = importError(() => importText(text, { only: 'nextchat' }))
    expect(error.kind).toBe('syntax')
    expect([error.line, error.column]).toEqual([3, 14])
    expect(error.problem).toMatchObject({ problem: 'json-invalid', format: 'nextchat', line: 3, column: 14 })
    expect(error.message).toMatch(/^NextChat backup, line 3 column 14: this is not valid JSON \(.+\)\. Nothing was imported\.$/s)
  })
})
