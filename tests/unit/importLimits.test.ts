// Bad input at import: a 50 MB backup imports whole; 100k conversations, or a file over the size
// limit, is refused with the numbers and writes nothing.
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRepository } from '../../src/core/persistence'
import { MAX_IMPORT_BYTES, MAX_IMPORT_CONVERSATIONS, importText } from '../../src/core/importers'
import { renderTexts } from '../../src/core/errorText'
import { openStores } from './stores/harness'

let dbName = ''

function freshStores() {
  return openStores(() => createRepository({ dbName }))
}

function backup(conversations: number, messageText: (i: number) => string): string {
  const list = Array.from({ length: conversations }, (_, i) => ({
    id: `c${i}`,
    title: `t${i}`,
    createdAt: i + 1,
    updatedAt: i + 1,
    messages: [{ id: `m${i}`, seq: 0, role: 'user', content: messageText(i), reasoning: '', status: 'done', createdAt: i + 1, updatedAt: i + 1 }],
  }))
  return JSON.stringify({ format: 'inkstream-backup', version: 1, exportedAt: '2026-01-01T00:00:00.000Z', conversations: list })
}

beforeEach(() => {
  dbName = `limits-${Math.random()}`
  vi.stubGlobal('navigator', { ...globalThis.navigator, storage: undefined })
})
afterEach(() => vi.unstubAllGlobals())

describe('import limits', () => {
  it('a backup of 100,000 conversations is refused with the numbers, and nothing is written', async () => {
    const text = backup(100_000, () => 'q')
    expect(() => importText(text)).toThrow(/100000 conversations; one import takes at most 20000/)
    const { data, list } = await freshStores()
    await data.importFile(new File([text], 'huge.json'))
    expect(renderTexts('en', data.error)).toBe(
      `huge.json: The file holds 100000 conversations; one import takes at most ${MAX_IMPORT_CONVERSATIONS}. Split it into smaller files. Nothing was imported.`,
    )
    expect(list.conversations).toHaveLength(0)
    const repo = await createRepository({ dbName })
    expect(await repo.exportConversations()).toEqual([])
    repo.close()
  }, 60_000)

  it('a file over the size limit is refused before it is read', async () => {
    const { data } = await freshStores()
    const big = new File([new Uint8Array(MAX_IMPORT_BYTES + 1)], 'big.json')
    const read = vi.spyOn(big, 'text')
    await data.importFile(big)
    expect(read).not.toHaveBeenCalled()
    expect(renderTexts('en', data.error)).toBe('big.json: The file is 65 MB; one import takes at most 64 MB. Nothing was imported.')
  })

  it('a 50 MB backup imports whole', async () => {
    const text = backup(50, (i) => `${i}:${'长文本 long text '.repeat(64_000)}`)
    expect(new TextEncoder().encode(text).length).toBeGreaterThan(50 * 1024 * 1024)
    const { data, list } = await freshStores()
    await data.importFile(new File([text], 'fifty.json'))
    expect(renderTexts('en', data.error)).toBe('')
    expect(list.conversations).toHaveLength(50)
    const repo = await createRepository({ dbName })
    const stored = await repo.exportConversations()
    for (const { conversation, messages } of stored) {
      const i = Number(conversation.id.slice(1))
      expect(messages[0]!.content).toBe(`${i}:${'长文本 long text '.repeat(64_000)}`)
    }
    repo.close()
  }, 60_000)
})
