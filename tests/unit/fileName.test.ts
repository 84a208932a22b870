import { describe, expect, it } from 'vitest'
import { safeDownloadName, safeFileName } from '../../src/core/fileName'
import { markdownFileName } from '../../src/core/markdownExport'
import { backupFileName } from '../../src/core/backup'
import { TRANSCRIPT_FILE_NAME } from '../../src/core/transcript'

const HOSTILE_TITLES = [
  '../../x', '..\\..\\x', 'a/b\\c:d*e?f"g<h>i|j', 'CON', 'nul.txt', 'LPT1', 'com3.md', '..', '...', '. .', '',
  '   ', '\u202Etxt.exe', 'report\u202Egnp.exe', 'zero\u200Bwidth\u2066isolate', 'x'.repeat(300), '😀'.repeat(300),
  'line\nbreak\r\ttab\u0000nul\u0007', '/etc/passwd', 'C:\\Windows\\system32', '\\\\server\\share', 'trailing. . .',
]

function expectSafe(name: string, extension: string): void {
  expect(name, name).not.toMatch(/[/\\:*?"<>|\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/)
  expect(name.startsWith('.'), name).toBe(false)
  expect(name.endsWith(`.${extension}`), name).toBe(true)
  expect(name.split('.')[0]!.trim(), name).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/i)
  expect([...name].length, name).toBeLessThanOrEqual(80 + extension.length + 1)
}

describe('download names', () => {
  it('are safe for every hostile title, as Markdown export names and as downloads', () => {
    for (const title of HOSTILE_TITLES) {
      expectSafe(markdownFileName(title), 'md')
      expectSafe(safeFileName(title, 'txt', 'conversation.txt'), 'txt')
      expectSafe(safeDownloadName(`${title}.json`, 'download.json'), 'json')
    }
  })

  it('keep the names the app builds itself, and the readable part of a title', () => {
    expect(safeDownloadName(TRANSCRIPT_FILE_NAME)).toBe('conversation.txt')
    const backup = backupFileName(new Date(2026, 0, 2, 3, 4, 5))
    expect(safeDownloadName(backup)).toBe(backup)
    expect(markdownFileName('Rust 与 Go 的对比')).toBe('Rust 与 Go 的对比.md')
    expect(markdownFileName('report\u202Egnp.exe')).toBe('report gnp.exe.md')
    expect(markdownFileName('nul.txt')).toBe('conversation.md')
    expect(safeDownloadName('../../evil.sh')).toBe('evil.sh')
    expect(safeDownloadName('..')).toBe('download.txt')
  })
})
